package server

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRCFileChoice: the user's rc when allowed and there, else the
// system's, as OpenSSH's do_rc_files chooses; looked for under the
// ChrootDirectory when there is one (here a directory standing in for /).
func TestRCFileChoice(t *testing.T) {
	jail := t.TempDir()
	home := "/home/alice"
	write := func(p string) {
		full := filepath.Join(jail, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte("true\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	newSession := func(edit func(s *session)) *session {
		opts := testOptions()
		opts.PermitUserRC = true
		s := &session{c: &conn{user: &admission{acct: &account{Name: "alice", Home: home, Shell: "/bin/sh"}, opts: opts}}}
		if edit != nil {
			edit(s)
		}
		return s
	}
	if got := newSession(nil).rcFile(false, jail); got != "" {
		t.Errorf("no rc file: %q", got)
	}
	write("etc/ssh/sshrc")
	if got := newSession(nil).rcFile(false, jail); got != systemRCFile {
		t.Errorf("system rc only: %q", got)
	}
	write(home + "/.ssh/rc")
	for _, c := range []struct {
		what      string
		edit      func(s *session)
		subsystem bool
		want      string
	}{
		{"user rc", nil, false, userRCFile},
		{"subsystem", nil, true, systemRCFile},
		{"PermitUserRC no", func(s *session) { s.c.user.opts.PermitUserRC = false }, false, systemRCFile},
		{"ForceCommand", func(s *session) { s.c.user.opts.ForceCommand = "/bin/true" }, false, systemRCFile},
		{"no-user-rc", func(s *session) { s.c.auth = &keyOptions{NoUserRC: true} }, false, systemRCFile},
	} {
		if got := newSession(c.edit).rcFile(c.subsystem, jail); got != c.want {
			t.Errorf("%s: %q, want %q", c.what, got, c.want)
		}
	}
}

// TestRunSessionRC: the runner runs the rc file with the shell, then
// becomes the program; a failing rc file does not stop the program.
func TestRunSessionRC(t *testing.T) {
	if os.Getenv("SBX_RC_CHILD") == "1" {
		os.Exit(RunSessionRC([]string{"/bin/sh", os.Getenv("SBX_RC"), "--", "/bin/sh", "sh", "-c", "echo program; cat " + os.Getenv("SBX_MARK")}))
	}
	dir := t.TempDir()
	mark := filepath.Join(dir, "mark")
	rc := filepath.Join(dir, "rc")
	os.WriteFile(rc, []byte("echo rc > "+mark+"\nexit 3\n"), 0o644)
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunSessionRC$")
	cmd.Env = append(os.Environ(), "SBX_RC_CHILD=1", "SBX_RC="+rc, "SBX_MARK="+mark)
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "program\nrc\n" {
		t.Fatalf("%q %v", out, err)
	}
}
