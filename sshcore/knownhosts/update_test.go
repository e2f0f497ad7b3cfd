package knownhosts

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/loglevel"
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
		u, err := PlanUpdate([]string{f, f + ".missing"}, name, "", []ssh.PublicKey{a, b}, nil)
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
	var log []string
	logf := func(level loglevel.Level, format string, args ...any) {
		if level == loglevel.Verbose {
			log = append(log, fmt.Sprintf(format, args...))
		}
	}
	if err := ReplaceHostKeys(f, "h", "", []ssh.PublicKey{a, b}, false, ssh.FingerprintSHA256, logf); err != nil {
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
	if len(log) != 3 || log[0] != f+":3: Removed ED25519 key for host h" || log[1] != f+":4: invalid known_hosts entry" ||
		log[2] != "Adding new key for h to "+f+": ssh-ed25519 "+ssh.FingerprintSHA256(b) {
		t.Errorf("log %q", log)
	}

	st1, _ := os.Stat(f)
	log = nil
	if err := ReplaceHostKeys(f, "h", "", []ssh.PublicKey{a, b}, false, ssh.FingerprintSHA256, logf); err != nil || len(log) != 1 {
		t.Errorf("second run: %q %v", log, err)
	}
	st2, _ := os.Stat(f)
	if !os.SameFile(st1, st2) {
		t.Error("an unchanged file was rewritten")
	}

	if err := ReplaceHostKeys(f, "[p]:2200", "", []ssh.PublicKey{c}, true, ssh.FingerprintSHA256, nil); err != nil {
		t.Fatal(err)
	}
	l, _ := ReadFile(f)
	last := l[len(l)-1].Entry
	if !last.Hashed() || !last.Matches("[p]:2200") {
		t.Errorf("HashKnownHosts: last line %q", l[len(l)-1].Text)
	}
}

// TestPlanUpdateWithAddress: with CheckHostIP the address's lines count
// too, as OpenSSH's hostkeys_find counts them: a key listed under only one
// of name and address is incomplete, a "name,address" line whose other
// half belongs to another host spoils the update, and an old key listed
// under the address alone is one to remove.
func TestPlanUpdateWithAddress(t *testing.T) {
	a, b, c := newKey(t), newKey(t), newKey(t)
	name, ip := "[h.example]:2222", "[10.0.0.1]:2222"
	for _, tc := range []struct {
		what             string
		lines            []string
		nNew, nOld, nInc int
		skip             string
	}{
		{"name only", []string{name + " " + authLine(a)}, 1, 0, 2, ""},
		{"name and address", []string{name + "," + ip + " " + authLine(a)}, 1, 0, 1, ""},
		{"address only", []string{ip + " " + authLine(a)}, 1, 0, 2, ""},
		{"separate lines", []string{name + " " + authLine(a), ip + " " + authLine(a)}, 1, 0, 1, ""},
		{"hashed", []string{FormatLine("h.example", 2222, a, true), FormatLine("10.0.0.1", 2222, a, true)}, 1, 0, 1, ""},
		{"old key under the address", []string{name + " " + authLine(a), ip + " " + authLine(c)}, 1, 1, 2, ""},
		{"nothing new, address missing", []string{name + " " + authLine(a), name + " " + authLine(b)}, 0, 0, 2, ""},
		{"address of another host", []string{name + " " + authLine(a), "other," + ip + " " + authLine(c)}, 1, 0, 2, SkipOtherName},
		{"name with another address", []string{name + ",[10.9.9.9]:2222 " + authLine(a)}, 1, 0, 2, SkipOtherName},
		{"old key under another name", []string{name + " " + authLine(a), ip + " " + authLine(c), "other " + authLine(c)}, 1, 1, 2,
			"key(s) for " + name + "," + ip + " exist under other names"},
	} {
		f := writeFile(t, tc.lines...)
		u, err := PlanUpdate([]string{f}, name, ip, []ssh.PublicKey{a, b}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(u.New) != tc.nNew || len(u.Old) != tc.nOld || u.Incomplete != tc.nInc || u.Skip != tc.skip {
			t.Errorf("%s: new %d old %d incomplete %d skip %q, want %d %d %d %q", tc.what,
				len(u.New), len(u.Old), u.Incomplete, u.Skip, tc.nNew, tc.nOld, tc.nInc, tc.skip)
		}
	}
}

// TestReplaceHostKeysWithAddress: OpenSSH's hostfile_replace_entries with
// an address: the address's stale line goes, a key listed for the name
// alone gets an address line ("Fixing match"), a new key is written as
// "name,address" or, hashed, as a line for each.
func TestReplaceHostKeysWithAddress(t *testing.T) {
	a, b, c, x := newKey(t), newKey(t), newKey(t), newKey(t)
	name, ip := "[h.example]:2222", "[10.0.0.1]:2222"
	lines := []string{name + " " + authLine(a), ip + " " + authLine(c), "other " + authLine(x)}
	f := writeFile(t, lines...)
	var log []string
	logf := func(level loglevel.Level, format string, args ...any) {
		if level == loglevel.Verbose {
			log = append(log, fmt.Sprintf(format, args...))
		}
	}
	if err := ReplaceHostKeys(f, name, ip, []ssh.PublicKey{a, b}, false, ssh.FingerprintSHA256, logf); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{lines[0], lines[2], ip + " " + authLine(a), name + "," + ip + " " + authLine(b)}, "\n") + "\n"
	if got, _ := os.ReadFile(f); string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	wantLog := []string{
		f + ":2: Removed ED25519 key for host " + name,
		"Fixing match (address) for " + name + "," + ip + " to " + f + ": ssh-ed25519 " + ssh.FingerprintSHA256(a),
		"Adding new key for " + name + "," + ip + " to " + f + ": ssh-ed25519 " + ssh.FingerprintSHA256(b),
	}
	if strings.Join(log, "\n") != strings.Join(wantLog, "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(log, "\n"), strings.Join(wantLog, "\n"))
	}

	// Hashed: one line per name; a key listed under the address alone
	// gets its name line.
	f = writeFile(t, FormatLine("10.0.0.1", 2222, a, true))
	if err := ReplaceHostKeys(f, name, ip, []ssh.PublicKey{a, b}, true, ssh.FingerprintSHA256, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := ReadFile(f)
	type wantLine struct {
		key  ssh.PublicKey
		name string
	}
	wantLines := []wantLine{{a, ip}, {a, name}, {b, name}, {b, ip}}
	if len(got) != len(wantLines) {
		t.Fatalf("%d lines, want %d", len(got), len(wantLines))
	}
	for i, w := range wantLines {
		e := got[i].Entry
		if e == nil || !e.Hashed() || !e.Matches(w.name) || indexKey([]ssh.PublicKey{w.key}, e.Key) != 0 {
			t.Errorf("line %d %q: want %s's key hashed for %s", i+1, got[i].Text, []string{"a", "b"}[indexKey([]ssh.PublicKey{a, b}, w.key)], w.name)
		}
	}
}
