package knownhosts

import "strings"

// RemoveName drops the literal name (as HostPattern gives it) from the
// file's lines: the name leaves comma lists, a line left without names
// goes, hashed lines whose hash is the name go. Patterns, markers and
// other ports are untouched: only that host and port is removed. It
// returns the new texts and the numbers of the changed lines.
func RemoveName(lines []Line, name string) (texts []string, changed []int) {
	name = strings.ToLower(name)
	for _, l := range lines {
		e := l.Entry
		if e == nil || e.Marker != MarkerNone {
			texts = append(texts, l.Text)
			continue
		}
		if e.Hashed() {
			if hashMatches(e.Hosts, name) {
				changed = append(changed, l.Num)
				continue
			}
			texts = append(texts, l.Text)
			continue
		}
		var keep []string
		for _, n := range strings.Split(e.Hosts, ",") {
			if strings.ToLower(n) != name {
				keep = append(keep, n)
			}
		}
		switch {
		case len(keep) == len(strings.Split(e.Hosts, ",")):
			texts = append(texts, l.Text)
		case len(keep) == 0:
			changed = append(changed, l.Num)
		default:
			changed = append(changed, l.Num)
			_, rest := nextField(strings.TrimSpace(l.Text))
			texts = append(texts, strings.Join(keep, ",")+" "+rest)
		}
	}
	return texts, changed
}
