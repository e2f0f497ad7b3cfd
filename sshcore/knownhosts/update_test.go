package knownhosts

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestPlanUpdate: which keys are new, which lines are stale, and when the
// files are left alone, case by case as OpenSSH's client decides.
func TestPlanUpdate(t *testing.T) {
	a, b, c := newKey(t), newKey(t), newKey(t)
	name := "[h.example]:2222"
	for _, tc := range []struct {
		what    string
		lines   []string
		nNew    int
		nOld    int
		skip    string
		isEmpty bool
	}{
		{"one known, one new", []string{name + " " + authLine(a), "other " + authLine(c)}, 1, 0, "", false},
		{"all known", []string{name + " " + authLine(a), FormatLine("h.example", 2222, b, true)}, 0, 0, "", true},
		{"stale key", []string{name + " " + authLine(a), name + " " + authLine(b), name + " " + authLine(c)}, 0, 1, "", false},
		{"host and address", []string{name + ",[10.0.0.1]:2222 " + authLine(a)}, 1, 0, "", false},
		{"three names", []string{name + ",[10.0.0.1]:2222,x " + authLine(a)}, 2, 0, SkipComplex, false},
		{"wildcard", []string{"[h.*]:2222 " + authLine(a)}, 2, 0, SkipComplex, false},
		{"marker", []string{name + " " + authLine(a), "@revoked " + name + " " + authLine(c)}, 1, 0, SkipComplex, false},
		{"new key under another name", []string{name + " " + authLine(a), "other " + authLine(b)}, 1, 0, SkipOtherName, false},
		{"stale key under another name", []string{name + " " + authLine(a), name + " " + authLine(c), "other " + authLine(c)}, 1, 1, "key(s) for " + name + " exist under other names", false},
		{"bad line ignored", []string{"garbage", name + " " + authLine(a)}, 1, 0, "", false},
	} {
		f := writeFile(t, tc.lines...)
		u, err := PlanUpdate([]string{f, f + ".missing"}, name, []ssh.PublicKey{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if len(u.New) != tc.nNew || len(u.Old) != tc.nOld || u.Skip != tc.skip || u.Empty() != tc.isEmpty {
			t.Errorf("%s: new %d old %d skip %q, want %d %d %q", tc.what, len(u.New), len(u.Old), u.Skip, tc.nNew, tc.nOld, tc.skip)
		}
	}
}

// TestReplaceHostKeys: stale lines for the host go, kept lines stay as
// written, new keys are appended in the requested style, everything else
// is byte-identical, the previous file stays as .old, and a file that needs
// no change is not rewritten.
func TestReplaceHostKeys(t *testing.T) {
	a, b, c, d := newKey(t), newKey(t), newKey(t), newKey(t)
	hashedA := FormatLine("h", 22, a, true)
	lines := []string{
		"# comment  with  spaces",
		hashedA + " kept comment",
		"h " + authLine(c),
		"not a valid line",
		"@cert-authority h " + authLine(d),
		"other,h2 " + authLine(c),
	}
	f := writeFile(t, lines...)
	before, _ := os.ReadFile(f)
	log, err := ReplaceHostKeys(f, "h", []ssh.PublicKey{a, b}, false)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f)
	want := strings.Join([]string{lines[0], lines[1], lines[3], lines[4], lines[5], "h " + authLine(b)}, "\n") + "\n"
	if string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if old, _ := os.ReadFile(f + ".old"); string(old) != string(before) {
		t.Errorf(".old is not the previous file")
	}
	if len(log) != 2 || !strings.Contains(log[0], ":3: Removed ED25519 key for host h") || !strings.HasPrefix(log[1], "Adding new key for h to "+f+": ssh-ed25519 SHA256:") {
		t.Errorf("log %q", log)
	}

	st1, _ := os.Stat(f)
	if log, err := ReplaceHostKeys(f, "h", []ssh.PublicKey{a, b}, false); err != nil || log != nil {
		t.Errorf("second run: %q %v", log, err)
	}
	st2, _ := os.Stat(f)
	if !os.SameFile(st1, st2) {
		t.Error("an unchanged file was rewritten")
	}

	if _, err := ReplaceHostKeys(f, "[p]:2200", []ssh.PublicKey{c}, true); err != nil {
		t.Fatal(err)
	}
	l, _ := ReadFile(f)
	last := l[len(l)-1].Entry
	if !last.Hashed() || !last.Matches("[p]:2200") {
		t.Errorf("HashKnownHosts: last line %q", l[len(l)-1].Text)
	}
}
