package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// sshboxEnv starts sshbox's sshd and sets a user up on it.
func sshboxEnv(t *testing.T, extra string) (*sshEnv, *testenv.Sshbox) {
	t.Helper()
	d := testenv.StartSshbox(t, extra)
	return newEnv(t, d.Port, d.HostKey+".pub"), d
}

// xferArgs are the options scp and sftp share: no config files, the
// test's key and known_hosts, port with -P.
func (e *sshEnv) xferArgs() []string {
	return []string{"-F", "/dev/null", "-i", e.key,
		"-o", "UserKnownHostsFile=" + e.kh, "-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-P", fmt.Sprint(e.port)}
}

// tool runs one of sshbox's applets (or a real peer, by path) with the
// test's HOME and no controlling terminal.
func (e *sshEnv) tool(name string, stdin string, args ...string) testenv.Result {
	e.t.Helper()
	prog := name
	if !filepath.IsAbs(name) {
		prog = testenv.Bin(e.t, name)
	}
	cmd := exec.Command(prog, args...)
	cmd.Env = e.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	r := testenv.Run(e.t, cmd, stdin)
	// scp names itself as it was called ("/usr/bin/scp: "), as OpenSSH's.
	r.Err = strings.ReplaceAll(r.Err, prog+": ", filepath.Base(prog)+": ")
	return r
}

// scp runs sshbox's scp with the test's options before args.
func (e *sshEnv) scp(args ...string) testenv.Result {
	e.t.Helper()
	return e.tool("scp", "", append(e.xferArgs(), args...)...)
}

// remote is user@127.0.0.1:path.
func (e *sshEnv) remote(p string) string { return e.dest() + ":" + p }

// randomBytes is n bytes nobody could guess.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// makeTree writes a small directory tree with distinct modes and old
// times, for -r -p.
func makeTree(t *testing.T, root string) {
	t.Helper()
	files := []struct {
		rel  string
		size int
		mode os.FileMode
	}{
		{"a.txt", 1000, 0o640},
		{"sub/b.bin", 3 << 20, 0o600},
		{"sub/empty", 0, 0o644},
		{"sub/deeper/c", 70000, 0o755},
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, f := range files {
		p := filepath.Join(root, f.rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, randomBytes(f.size), f.mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, f.mode)
		os.Chtimes(p, old, old)
	}
	os.Chmod(filepath.Join(root, "sub"), 0o750)
	os.Chtimes(filepath.Join(root, "sub"), old, old)
}

// sameTree checks that every file under want is in got, byte-identical,
// and with preserve that modes and modification times match.
func sameTree(t *testing.T, want, got string, preserve bool) {
	t.Helper()
	n := 0
	filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return err
		}
		rel, _ := filepath.Rel(want, p)
		q := filepath.Join(got, rel)
		ws, _ := os.Stat(p)
		gs, err := os.Stat(q)
		if err != nil {
			t.Errorf("%s: missing in copy: %v", rel, err)
			return nil
		}
		if ws.IsDir() != gs.IsDir() {
			t.Errorf("%s: directory in one tree only", rel)
			return nil
		}
		if !ws.IsDir() {
			n++
			a, _ := os.ReadFile(p)
			b, _ := os.ReadFile(q)
			if !bytes.Equal(a, b) {
				t.Errorf("%s: contents differ (%d vs %d bytes)", rel, len(a), len(b))
			}
		}
		if preserve {
			if ws.Mode().Perm() != gs.Mode().Perm() {
				t.Errorf("%s: mode %v, want %v", rel, gs.Mode().Perm(), ws.Mode().Perm())
			}
			if !ws.IsDir() && !ws.ModTime().Equal(gs.ModTime()) {
				t.Errorf("%s: mtime %v, want %v", rel, gs.ModTime(), ws.ModTime())
			}
		}
		return nil
	})
	if n == 0 {
		t.Errorf("no files compared under %s", want)
	}
}
