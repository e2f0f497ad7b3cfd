package asuser

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"sshbox/internal/testenv"
)

// The test binary doubles as the helper, as sshbox does.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == HelperFlag {
		os.Exit(HelperMain(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// nobody is an identity that is not root, for the helper to become.
var nobody = &Cred{UID: 65534, GID: 65534}

// needRoot: acting as another user takes root, as scripts/test runs.
func needRoot(t *testing.T) { testenv.NeedRoot(t) }

// sharedDir is a directory every user can reach (t.TempDir's parent is
// private to root), with the given mode.
func sharedDir(t *testing.T, mode os.FileMode) string {
	dir, err := os.MkdirTemp("", "asuser-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, mode)
	return dir
}

// socketUID is the owner of the local end of a TCP connection, from
// /proc/net/tcp{,6}: the kernel records who created the socket.
func socketUID(t *testing.T, c net.Conn) int {
	t.Helper()
	// Both ends' ports pick the socket: another socket on the machine (a
	// TIME_WAIT one, or another test's) may have the same local port.
	local, remote := c.LocalAddr().(*net.TCPAddr).Port, c.RemoteAddr().(*net.TCPAddr).Port
	port := func(addr string) int {
		_, p, _ := strings.Cut(addr, ":")
		n, _ := strconv.ParseInt(p, 16, 32)
		return int(n)
	}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 8 {
				continue
			}
			if port(fields[1]) == local && port(fields[2]) == remote {
				uid, _ := strconv.Atoi(fields[7])
				return uid
			}
		}
	}
	t.Fatalf("no socket from port %d to port %d", local, remote)
	return -1
}

func TestDialAsUser(t *testing.T) {
	needRoot(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			io.WriteString(c, "hi")
			c.Close()
		}
	}()
	c, err := Dial(nobody, "tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if uid := socketUID(t, c); uid != 65534 {
		t.Errorf("socket owned by uid %d, want 65534", uid)
	}
	if b, _ := io.ReadAll(c); string(b) != "hi" {
		t.Errorf("read %q through the passed descriptor", b)
	}
	if _, err := Dial(nobody, "tcp", "127.0.0.1:1"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial to a closed port: %v, want ECONNREFUSED", err)
	}
}

func TestListenUnixAsUser(t *testing.T) {
	needRoot(t)
	dir := sharedDir(t, 0o777)
	sock := filepath.Join(dir, "s")
	l, err := Listen(nobody, "unix", sock, 0o177, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	if uid := st.Sys().(*syscall.Stat_t).Uid; uid != 65534 || st.Mode().Perm() != 0o600 {
		t.Errorf("socket uid %d mode %v, want 65534 and 0600", uid, st.Mode().Perm())
	}
	l.Close()
	if _, err := os.Stat(sock); err != nil {
		t.Errorf("socket file removed on close: %v", err)
	}
	if _, err := Listen(nobody, "unix", sock, 0o177, false); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("listen over a stale socket without unlink: %v", err)
	}
	l, err = Listen(nobody, "unix", sock, 0o177, true)
	if err != nil {
		t.Fatalf("listen with unlink: %v", err)
	}
	l.Close()
	// A directory nobody cannot write to.
	os.Chmod(dir, 0o755)
	if _, err := Listen(nobody, "unix", filepath.Join(dir, "t"), 0o177, false); !errors.Is(err, os.ErrPermission) {
		t.Errorf("listen in a directory the user cannot write: %v", err)
	}
}

func TestOpenAsUser(t *testing.T) {
	needRoot(t)
	dir := sharedDir(t, 0o755)
	secret := filepath.Join(dir, "private")
	os.Mkdir(secret, 0o700)
	os.WriteFile(filepath.Join(secret, "keys"), []byte("secret\n"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(filepath.Join(secret, "keys"), link)
	if _, _, err := Open(nobody, link); !errors.Is(err, os.ErrPermission) {
		t.Errorf("link into a directory the user cannot search: %v", err)
	}
	if _, _, err := Open(nobody, filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "pub"), []byte("ok\n"), 0o644)
	os.Symlink("pub", filepath.Join(dir, "publink"))
	f, real, err := Open(nobody, filepath.Join(dir, "publink"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, _ := io.ReadAll(f); string(b) != "ok\n" || real != filepath.Join(dir, "pub") {
		t.Errorf("read %q from %s", b, real)
	}
}

func TestAgentListenerAsUser(t *testing.T) {
	needRoot(t)
	dir := sharedDir(t, 0o1777)
	l, sock, err := AgentListener(nobody, dir, "agent.1")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	st, err := os.Stat(filepath.Dir(sock))
	if err != nil {
		t.Fatal(err)
	}
	if uid := st.Sys().(*syscall.Stat_t).Uid; uid != 65534 || st.Mode().Perm() != 0o700 {
		t.Errorf("agent directory uid %d mode %v", uid, st.Mode().Perm())
	}
	if err := RemoveAgent(nobody, sock); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(sock)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("agent directory left: %v", err)
	}
	if _, _, err := AgentListener(nobody, dir, "../x"); err == nil {
		t.Error("socket name with a slash accepted")
	}
}

// TestTempFileAsUser: the file is the user's, 0600, written through the
// descriptor sshd gets back, and removed as the user; in a directory the
// user may not write, nothing is made.
func TestTempFileAsUser(t *testing.T) {
	needRoot(t)
	dir := sharedDir(t, 0o1777)
	f, path, err := TempFile(nobody, dir, "sshauth.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("password\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if uid := st.Sys().(*syscall.Stat_t).Uid; uid != 65534 || st.Mode().Perm() != 0o600 || !strings.HasPrefix(filepath.Base(path), "sshauth.") {
		t.Errorf("%s: uid %d mode %v", path, uid, st.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "password\n" {
		t.Errorf("content %q", b)
	}
	if err := Remove(nobody, path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file left: %v", err)
	}
	if _, _, err := TempFile(nobody, sharedDir(t, 0o755), "sshauth."); !errors.Is(err, os.ErrPermission) {
		t.Errorf("root's directory: %v, want permission denied", err)
	}
	if _, _, err := TempFile(nobody, dir, "../x"); err == nil {
		t.Error("pattern with a slash accepted")
	}
}

// FuzzParseReply: any reply parses to text or an error, never a panic;
// an error reply keeps its errno only when it is a plausible one.
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"ok\x00", "ok\x00/tmp/ssh-x/agent.1", "err\x002\x00no such file", "err\x00", "err\x00x\x00m", "", "garbage", "err\x00-1\x00m"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		text, err := parseReply(b)
		if err != nil && text != "" {
			t.Fatalf("%q: both text %q and error %v", b, text, err)
		}
		var e *Error
		if errors.As(err, &e) && (e.Errno < 0 || e.Errno > 4095 || e.Msg == "") {
			t.Fatalf("%q: %+v", b, e)
		}
	})
}

func TestParseReply(t *testing.T) {
	if text, err := parseReply([]byte("ok\x00/a/b")); err != nil || text != "/a/b" {
		t.Errorf("ok reply: %q %v", text, err)
	}
	if _, err := parseReply([]byte("err\x002\x00open x: no such file")); !errors.Is(err, os.ErrNotExist) || err.Error() != "open x: no such file" {
		t.Errorf("error reply: %v", err)
	}
	if _, err := parseReply(nil); err == nil {
		t.Error("empty reply accepted")
	}
}

// TestHelperCannotStart: a helper that cannot be started is an error that
// says so, and the next operation works again.
func TestHelperCannotStart(t *testing.T) {
	needRoot(t)
	dir := sharedDir(t, 0o755)
	os.WriteFile(filepath.Join(dir, "pub"), []byte("ok\n"), 0o644)
	saved := Executable
	Executable = filepath.Join(dir, "no-such-binary")
	_, _, err := Open(nobody, filepath.Join(dir, "pub"))
	Executable = saved
	if err == nil || !strings.Contains(err.Error(), "asuser: start helper:") {
		t.Fatalf("missing helper binary: %v", err)
	}
	f, _, err := Open(nobody, filepath.Join(dir, "pub"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}
