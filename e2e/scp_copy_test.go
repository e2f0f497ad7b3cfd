package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// scpBothWays copies one file and a tree (-r -p) up to the server and
// back, with the SFTP protocol or (legacy) the old scp protocol, and checks
// the copies byte for byte, with modes and times.
func scpBothWays(t *testing.T, e *sshEnv, legacy bool) {
	var flags []string
	up := "up-sftp"
	if legacy {
		flags, up = []string{"-O"}, "up-legacy"
	}
	local := t.TempDir()
	tree := filepath.Join(local, "tree")
	makeTree(t, tree)
	one := filepath.Join(local, "one.bin")
	os.WriteFile(one, randomBytes(200000), 0o644)
	script := filepath.Join(local, "run-"+up+".sh")
	os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755)
	os.Chmod(script, 0o755)
	private := filepath.Join(local, "private-"+up)
	os.WriteFile(private, []byte("secret\n"), 0o600)
	os.Chmod(private, 0o600)
	// Without -p a new file still gets the local mode less the server's
	// umask (022 here), as OpenSSH's scp does.
	if r := e.scp(append(flags, script, private, e.remote(""))...); r.RC != 0 {
		t.Fatalf("scp modes up: %d\n%s", r.RC, r.Err)
	}
	for p, want := range map[string]os.FileMode{filepath.Base(script): 0o755, filepath.Base(private): 0o600} {
		if st, err := os.Stat(filepath.Join(e.user.Home, p)); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want mode %v", p, st.Mode(), err, want)
		}
	}

	if r := e.scp(append(flags, one, e.remote(""))...); r.RC != 0 {
		t.Fatalf("scp file up: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, one, filepath.Join(e.user.Home, "one.bin"))
	if r := e.scp(append(flags, "-r", "-p", tree, e.remote(up))...); r.RC != 0 {
		t.Fatalf("scp -r -p up: %d\n%s", r.RC, r.Err)
	}
	sameTree(t, tree, filepath.Join(e.user.Home, up), true)

	down := filepath.Join(t.TempDir(), "down")
	if r := e.scp(append(flags, "-r", "-p", e.remote(up), down)...); r.RC != 0 {
		t.Fatalf("scp -r -p down: %d\n%s", r.RC, r.Err)
	}
	sameTree(t, tree, down, true)
	got := filepath.Join(t.TempDir(), "got.bin")
	if r := e.scp(append(flags, e.remote("one.bin"), got)...); r.RC != 0 {
		t.Fatalf("scp file down: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, one, got)

	// A missing remote file: one line naming it, status 1.
	r := e.scp(append(flags, e.remote("nosuch.txt"), t.TempDir())...)
	if r.RC != 1 || !strings.Contains(r.Err, "nosuch.txt: No such file or directory") {
		t.Errorf("missing remote file: %d %q", r.RC, r.Err)
	}
	// A missing local file: as OpenSSH's scp, fatal in SFTP mode (status
	// 255), one failure among others with -O.
	absent := filepath.Join(local, "absent")
	wantRC, wantErr := 255, `stat local "`+absent+`": No such file or directory`
	if slices.Contains(flags, "-O") {
		wantRC, wantErr = 1, absent+": No such file or directory"
	}
	r = e.scp(append(flags, absent, e.remote(""))...)
	if r.RC != wantRC || !strings.Contains(r.Err, wantErr) {
		t.Errorf("missing local file: %d %q", r.RC, r.Err)
	}
}

func sameFile(t *testing.T, want, got string) {
	t.Helper()
	a, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(got)
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	if string(a) != string(b) {
		t.Fatalf("%s differs from %s (%d vs %d bytes)", got, want, len(b), len(a))
	}
}

func TestScpOpenSSHServer(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	t.Run("sftp", func(t *testing.T) { scpBothWays(t, e, false) })
	t.Run("legacy", func(t *testing.T) { scpBothWays(t, e, true) })
}

func TestScpSshboxServer(t *testing.T) {
	t.Parallel()
	e, _ := sshboxEnv(t, "")
	t.Run("sftp", func(t *testing.T) { scpBothWays(t, e, false) })
	t.Run("legacy", func(t *testing.T) { scpBothWays(t, e, true) })
}

// TestScpProgram: -S runs an ssh program per session with ssh's command
// line, as OpenSSH's scp does: sshbox's ssh applet and OpenSSH's ssh both
// serve, for SFTP and for -O.
func TestScpProgram(t *testing.T) {
	t.Parallel()
	e, _ := sshboxEnv(t, "")
	local := t.TempDir()
	src := filepath.Join(local, "f.bin")
	os.WriteFile(src, randomBytes(100000), 0o644)
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		for _, mode := range [][]string{nil, {"-O"}} {
			name := filepath.Base(filepath.Dir(prog)) + strings.Join(mode, "")
			args := append(append([]string{"-S", prog}, mode...), src, e.remote("via-"+name))
			if r := e.scp(args...); r.RC != 0 {
				t.Fatalf("-S %s %v up: %d\n%s", prog, mode, r.RC, r.Err)
			}
			sameFile(t, src, filepath.Join(e.user.Home, "via-"+name))
			back := filepath.Join(local, "back-"+name)
			args = append(append([]string{"-S", prog}, mode...), e.remote("via-"+name), back)
			if r := e.scp(args...); r.RC != 0 {
				t.Fatalf("-S %s %v down: %d\n%s", prog, mode, r.RC, r.Err)
			}
			sameFile(t, src, back)
		}
	}
}
