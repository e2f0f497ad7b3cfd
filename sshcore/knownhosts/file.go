package knownhosts

import (
	"fmt"
	"os"
	"strings"

	"sshbox/configfmt"
	"sshbox/internal/atomicfile"
)

// Line is one line of a known_hosts file as read: the text, and its entry
// when it holds one (nil for blank lines, comments and unparsable lines,
// the latter with Err set).
type Line struct {
	Num   int
	Text  string
	Entry *Entry
	Err   error
}

// ReadFile reads every line of a known_hosts file, in any record format.
func ReadFile(path string) ([]Line, error) {
	texts, err := readLines(path)
	if err != nil {
		return nil, err
	}
	out := make([]Line, len(texts))
	for i, t := range texts {
		e, err := ParseLine(t)
		if e != nil {
			e.File, e.Line = path, i+1
		}
		out[i] = Line{Num: i + 1, Text: t, Entry: e, Err: err}
	}
	return out, nil
}

// Find returns the lines whose entry matches name ("host" or
// "[host]:port"), markers included, as ssh-keygen -F finds them.
func Find(lines []Line, name string) []Line {
	var out []Line
	for _, l := range lines {
		if l.Entry != nil && l.Entry.Matches(name) {
			out = append(out, l)
		}
	}
	return out
}

// Remove returns the lines without the unmarked entries that match name,
// and the removed lines. @cert-authority and @revoked lines are kept, as
// ssh-keygen -R keeps them.
func Remove(lines []Line, name string) (kept, removed []Line) {
	for _, l := range lines {
		if l.Entry != nil && l.Entry.Marker == MarkerNone && l.Entry.Matches(name) {
			removed = append(removed, l)
			continue
		}
		kept = append(kept, l)
	}
	return kept, removed
}

// HasWildcard reports whether a host field holds patterns rather than names.
func HasWildcard(hosts string) bool { return strings.ContainsAny(hosts, "*?!") }

// HashLine returns the hashed form of one line as ssh-keygen -H writes it:
// one line per comma-separated name, each hashed; lines that are already
// hashed, hold patterns or carry a marker come back unchanged (hashed
// false).
func HashLine(l Line) (out []string, hashed bool) {
	e := l.Entry
	if e == nil || e.Hashed() || e.Marker != MarkerNone || HasWildcard(e.Hosts) {
		return []string{l.Text}, false
	}
	_, rest := nextField(strings.TrimSpace(l.Text))
	for _, name := range strings.Split(e.Hosts, ",") {
		if name == "" {
			continue
		}
		out = append(out, HashName(strings.ToLower(name))+" "+rest)
	}
	return out, true
}

// WriteLines replaces path with lines, atomically and keeping its mode and
// record format (a VAR file stays VAR). With backup set, the previous file
// stays as path.old (as ssh-keygen -R and -H leave it).
func WriteLines(path string, lines []string, backup bool) error {
	format := configfmt.StreamLF
	if old, err := os.ReadFile(path); err == nil {
		if _, f, err := configfmt.Decode(old); err == nil {
			format = f
		}
	}
	data := configfmt.Encode(lines, format)
	if backup {
		old := path + ".old"
		if err := os.Remove(old); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("%s: %w", old, err)
		}
		if err := os.Link(path, old); err != nil {
			return fmt.Errorf("link %s to %s: %w", path, old, err)
		}
	}
	return atomicfile.WriteFile(path, data, 0o600)
}

// Texts returns the text of each line.
func Texts(lines []Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}
