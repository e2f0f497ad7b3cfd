package knownhosts

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
)

func newKey(t *testing.T) ssh.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func authLine(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

func writeFile(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHostPattern(t *testing.T) {
	cases := []struct {
		host string
		port int
		want string
	}{
		{"Example.COM", 22, "example.com"},
		{"example.com", 2222, "[example.com]:2222"},
		{"::1", 22, "::1"},
		{"::1", 2200, "[::1]:2200"},
	}
	for _, c := range cases {
		if got := HostPattern(c.host, c.port); got != c.want {
			t.Errorf("HostPattern(%q,%d)=%q want %q", c.host, c.port, got, c.want)
		}
		h, p := SplitHostPort(c.want)
		if HostPattern(h, p) != c.want {
			t.Errorf("SplitHostPort(%q) = %q,%d", c.want, h, p)
		}
	}
}

func TestCheckForms(t *testing.T) {
	a, b, c, ca, rev := newKey(t), newKey(t), newKey(t), newKey(t), newKey(t)
	hashed := HashName("secret.example.org")
	hashedPort := HashName("[secret.example.org]:2022")
	p := writeFile(t,
		"# a comment",
		"",
		"alpha.example.com,10.0.0.1 "+authLine(a)+" alpha key",
		"*.wild.example.com,!bad.wild.example.com "+authLine(b),
		"[alpha.example.com]:2222 "+authLine(c),
		"host?.example.net "+authLine(b),
		hashed+" "+authLine(c),
		hashedPort+" "+authLine(a),
		"@cert-authority *.example.com "+authLine(ca),
		"@revoked * "+authLine(rev),
		"this line is broken",
	)
	db, err := Open(p, filepath.Join(t.TempDir(), "missing"))
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Warnings) != 1 || !strings.Contains(db.Warnings[0], p+":11:") {
		t.Fatalf("warnings %q", db.Warnings)
	}
	check := func(host string, port int, k ssh.PublicKey, want Status, line int) {
		t.Helper()
		r := db.Check(host, port, k)
		if r.Status != want {
			t.Errorf("Check(%s,%d) status %v want %v", host, port, r.Status, want)
			return
		}
		if line > 0 && (r.Entry == nil || r.Entry.Line != line || r.Entry.File != p) {
			t.Errorf("Check(%s,%d) entry %+v want line %d", host, port, r.Entry, line)
		}
	}
	check("alpha.example.com", 22, a, Known, 3)
	check("ALPHA.example.com", 22, a, Known, 3)
	check("10.0.0.1", 22, a, Known, 3)
	check("alpha.example.com", 22, b, Changed, 3)
	check("alpha.example.com", 2222, c, Known, 5)
	check("alpha.example.com", 2222, a, Changed, 5)
	check("alpha.example.com", 2223, a, Known, 3) // same key without port, as OpenSSH
	check("alpha.example.com", 2223, b, Unknown, 0)
	if r := db.CheckExact("alpha.example.com", 2223, a); r.Status != Unknown {
		t.Errorf("CheckExact used the port-less entry: %+v", r)
	}
	check("x.wild.example.com", 22, b, Known, 4)
	check("bad.wild.example.com", 22, b, Unknown, 0)
	check("host1.example.net", 22, b, Known, 6)
	check("host12.example.net", 22, b, Unknown, 0)
	check("secret.example.org", 22, c, Known, 7)
	check("secret.example.org", 2022, a, Known, 8)
	check("secret.example.org", 2022, c, Changed, 8)
	check("anything", 22, rev, Revoked, 10)
	if !db.IsHostAuthority(ca, "x.example.com", 22) {
		t.Error("cert authority not found")
	}
	if db.IsHostAuthority(ca, "x.example.org", 22) || db.IsHostAuthority(a, "x.example.com", 22) {
		t.Error("cert authority matched the wrong host or key")
	}
	if db.IsHostAuthority(rev, "x.example.com", 22) {
		t.Error("revoked key accepted as authority")
	}
}

func TestMatchPattern(t *testing.T) {
	cases := []struct {
		s, p string
		want bool
	}{
		{"abc", "abc", true}, {"abc", "a*", true}, {"abc", "*c", true}, {"abc", "a?c", true},
		{"abc", "a?", false}, {"", "*", true}, {"abc", "*b*", true}, {"abc", "*d*", false},
		{"aaa", "a*a*a", true}, {"aa", "a*a*a", false},
	}
	for _, c := range cases {
		if got := MatchPattern(c.s, c.p); got != c.want {
			t.Errorf("MatchPattern(%q,%q)=%v", c.s, c.p, got)
		}
	}
}

func TestAppendCreatesPrivateFileAndDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".ssh")
	p := filepath.Join(dir, "known_hosts")
	k := newKey(t)
	if err := Append(p, "h.example", 22, k, false); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v", st.Mode().Perm())
	}
	st, _ = os.Stat(dir)
	if st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", st.Mode().Perm())
	}
	os.Chmod(p, 0o644)
	if err := Append(p, "h.example", 2200, k, true); err != nil {
		t.Fatal(err)
	}
	st, _ = os.Stat(p)
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode not kept: %v", st.Mode().Perm())
	}
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Entries) != 2 || db.Entries[0].Hashed() || !db.Entries[1].Hashed() {
		t.Fatalf("entries %+v", db.Entries)
	}
	if r := db.Check("h.example", 2200, k); r.Status != Known || r.Entry.Line != 2 {
		t.Fatalf("hashed ported entry: %+v", r)
	}
}

func TestAppendFailureLeavesOldFile(t *testing.T) {
	p := writeFile(t, "old "+authLine(newKey(t)))
	before, _ := os.ReadFile(p)
	// A directory in place of the temporary file's directory cannot be
	// written; make the file's directory read-only by replacing the file's
	// parent with a file for the write target.
	bad := filepath.Join(p, "sub") // parent is a regular file
	if err := Append(bad, "h", 22, newKey(t), false); err == nil {
		t.Fatal("append below a regular file succeeded")
	}
	if after, _ := os.ReadFile(p); string(after) != string(before) {
		t.Fatal("old file changed")
	}
}

// OpenSSH's ssh-keygen -F must find what Append wrote: plain and hashed,
// port 22 and others.
func TestOpenSSHFindsAppended(t *testing.T) {
	keygen := testenv.NeedCmd(t, "ssh-keygen")
	p := filepath.Join(t.TempDir(), "known_hosts")
	k := newKey(t)
	hosts := []struct {
		host string
		port int
		hash bool
	}{
		{"plain.example", 22, false},
		{"plainport.example", 2222, false},
		{"hashed.example", 22, true},
		{"hashedport.example", 2022, true},
		{"127.0.0.1", 22, true},
		{"::1", 2200, false},
	}
	for _, h := range hosts {
		if err := Append(p, h.host, h.port, k, h.hash); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range hosts {
		out, err := exec.Command(keygen, "-F", HostPattern(h.host, h.port), "-f", p).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen -F %s: %v\n%s", HostPattern(h.host, h.port), err, out)
		}
		want := "found: line " + string(rune('1'+i))
		if !strings.Contains(string(out), want) || !strings.Contains(string(out), authLine(k)) {
			t.Errorf("ssh-keygen -F %s: %q lacks %q", HostPattern(h.host, h.port), out, want)
		}
	}
	// And the other way: a file hashed by OpenSSH reads back here.
	if out, err := exec.Command(keygen, "-H", "-f", p).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -H: %v\n%s", err, out)
	}
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		if r := db.Check(h.host, h.port, k); r.Status != Known {
			t.Errorf("after OpenSSH -H: %s:%d status %v", h.host, h.port, r.Status)
		}
	}
	if r := db.Check("plain.example", 2222, newKey(t)); r.Status != Unknown {
		t.Errorf("wrong port matched: %v", r.Status)
	}
}

// Files copied from OpenVMS keep their record format; every one reads.
func TestRecordFormats(t *testing.T) {
	k := newKey(t)
	lines := []string{"# from VMS", "vms.example " + authLine(k), "[vms.example]:2200 " + authLine(k)}
	for _, f := range []configfmt.Format{configfmt.StreamLF, configfmt.StreamCR, configfmt.Stream, configfmt.VAR, configfmt.VFC} {
		p := filepath.Join(t.TempDir(), "known_hosts")
		if err := os.WriteFile(p, configfmt.Encode(lines, f), 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := Open(p)
		if err != nil {
			t.Fatalf("format %v: %v", f, err)
		}
		if r := db.Check("vms.example", 2200, k); r.Status != Known || r.Entry.Line != 3 {
			t.Errorf("format %v: %+v", f, r)
		}
		// Append adds a record in the file's own format.
		if err := Append(p, "new.example", 22, k, false); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		recs, got, err := configfmt.Decode(data)
		if err != nil || got != f || len(recs) != 4 || !strings.HasPrefix(recs[3], "new.example ") {
			t.Errorf("after Append to %v: %v %v %q", f, err, got, recs)
		}
	}
}

func TestWriteLinesKeepsRecordFormat(t *testing.T) {
	k := newKey(t)
	p := filepath.Join(t.TempDir(), "known_hosts")
	lines := []string{"a.example " + authLine(k), "b.example " + authLine(k)}
	os.WriteFile(p, configfmt.Encode(lines, configfmt.VAR), 0o640)
	if err := WriteLines(p, lines[1:], false); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	recs, f, err := configfmt.Decode(data)
	if err != nil || f != configfmt.VAR || len(recs) != 1 || recs[0] != lines[1] {
		t.Fatalf("after rewrite: %v %v %q", err, f, recs)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
}
