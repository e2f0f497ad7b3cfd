// Package testenv holds what sshbox's tests share: the built binary and its
// applet links, free loopback ports, throwaway accounts, processes that are
// always cleaned up, and real peers (OpenSSH's sshd, ssh-keygen) to test
// against. Tests run as root in CI; helpers that need root say so and fail.
package testenv

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// ModuleRoot returns the directory holding sshbox's go.mod.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the sshbox module")
	}
	return filepath.Dir(mod), nil
}

// BinDir builds sshbox once per test process and returns a directory holding
// the binary and a symbolic link per applet (made by sshbox --install -s).
// The directory is world-readable so that throwaway users can run it. Under
// scripts/test the binary is not built here but copied from the release
// build scripts/build made (ReleaseBuild), so the tests run what ships.
func BinDir(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sshbox-bin-")
		if err != nil {
			buildErr = err
			return
		}
		os.Chmod(dir, 0o755)
		bin := filepath.Join(dir, "sshbox")
		goarm := ""
		if runtime.GOARCH == "arm" {
			goarm = "7"
		}
		if buildErr = Build(bin, runtime.GOARCH, goarm); buildErr != nil {
			return
		}
		if out, err := exec.Command(bin, "--install", "-s", dir).CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("sshbox --install: %v\n%s", err, out)
			return
		}
		binDir = dir
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

// ReleaseBuild is where scripts/test has put scripts/build's binaries for
// this machine and the embedded targets (sshbox-linux-amd64,
// sshbox-linux-armv7, ...), or "" when the tests run outside scripts/test.
func ReleaseBuild() string { return os.Getenv("SSHBOX_TEST_DIST") }

// Build writes an sshbox binary for linux/goarch (goarm for arm) to bin:
// a copy of the release build's under scripts/test, else one go build
// makes.
func Build(bin, goarch, goarm string) error {
	if dist := ReleaseBuild(); dist != "" {
		name := "sshbox-linux-" + goarch
		if goarm != "" {
			name += "v" + goarm
		}
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			return fmt.Errorf("the release build (SSHBOX_TEST_DIST): %v", err)
		}
		return os.WriteFile(bin, data, 0o755)
	}
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GOARM="+goarm)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build for linux/%s: %v\n%s", goarch, err, out)
	}
	return nil
}

// Main runs a package's tests and then removes the binary BinDir built, if
// it built one (13 MiB a test process, which /tmp kept before):
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	return code
}

// Bin returns the path of the sshbox binary, or of the link for one applet.
func Bin(t testing.TB, applet string) string {
	if applet == "" {
		applet = "sshbox"
	}
	return filepath.Join(BinDir(t), applet)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitPort waits until something accepts connections on addr.
func WaitPort(t testing.TB, addr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after %v: %v", addr, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// NeedCmd returns the path of a peer program that scripts/test installs; it
// fails the test when the program is missing, since a skipped interop test
// proves nothing.
func NeedCmd(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin"} {
			if _, e := os.Stat(filepath.Join(dir, name)); e == nil {
				return filepath.Join(dir, name)
			}
		}
		t.Fatalf("%s is not installed (scripts/test installs it)", name)
	}
	return p
}

// NeedRoot fails the test unless it runs as root.
func NeedRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test creates accounts and must run as root (as scripts/test in CI does)")
	}
}

// User is a throwaway account made for one test.
type User struct {
	Name     string
	Home     string
	UID, GID int
}

// NewUser creates a throwaway account (with a home directory and /bin/sh as
// shell unless shell is given) and removes it, and only it, when the test
// ends.
func NewUser(t testing.TB, shell string) *User {
	t.Helper()
	NeedRoot(t)
	if shell == "" {
		shell = "/bin/sh"
	}
	b := make([]byte, 4)
	rand.Read(b)
	name := "sbx" + hex.EncodeToString(b)
	if out, err := exec.Command("useradd", "-m", "-s", shell, name).CombinedOutput(); err != nil {
		t.Fatalf("useradd %s: %v\n%s", name, err, out)
	}
	uid := -1
	t.Cleanup(func() {
		exec.Command("pkill", "-KILL", "-u", name).Run()
		exec.Command("userdel", "-r", "-f", name).Run()
		removeAgentDirs(uid)
	})
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &User{Name: name, Home: u.HomeDir, UID: uid, GID: gid}
}

// removeAgentDirs removes the account's forwarded-agent directories in
// the temporary directory (ssh-XXXXXXXX, made for it by OpenSSH's sshd or
// sshbox's), which a server stopped before the connection ended leaves
// behind; userdel -r removes only the home and the mail spool.
func removeAgentDirs(uid int) {
	if uid <= 0 {
		return
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "ssh-*"))
	for _, d := range dirs {
		if fi, err := os.Lstat(d); err == nil && fi.IsDir() {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid {
				os.RemoveAll(d)
			}
		}
	}
}

// SetPassword sets the user's password through chpasswd, hashed with method
// (YESCRYPT, SHA512, SHA256, MD5; "" for the system default).
func (u *User) SetPassword(t testing.TB, password, method string) {
	t.Helper()
	args := []string{}
	if method != "" {
		args = append(args, "-c", method)
	}
	cmd := exec.Command("chpasswd", args...)
	cmd.Stdin = strings.NewReader(u.Name + ":" + password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chpasswd: %v\n%s", err, out)
	}
}

// WriteFile writes a file inside the user's home (creating directories),
// owned by the user, with the given mode.
func (u *User) WriteFile(t testing.TB, rel string, data []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(u.Home, rel)
	for d := filepath.Dir(p); len(d) > len(u.Home); d = filepath.Dir(d) {
		defer os.Chown(d, u.UID, u.GID)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, mode)
	if err := os.Chown(p, u.UID, u.GID); err != nil {
		t.Fatal(err)
	}
	return p
}

// SyncBuffer is a bytes.Buffer safe for a process to write while a test
// reads it.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Proc is a process started for a test; its whole process group is killed
// when the test ends.
type Proc struct {
	Cmd    *exec.Cmd
	Stdout SyncBuffer
	Stderr SyncBuffer
	done   chan struct{}
	err    error
}

// Start runs a command in its own process group, capturing its output. The
// process group is killed and reaped at cleanup.
func Start(t testing.TB, name string, args ...string) *Proc {
	t.Helper()
	return StartEnv(t, nil, name, args...)
}

// StartEnv is Start with variables added to the environment.
func StartEnv(t testing.TB, env []string, name string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Cmd: exec.Command(name, args...), done: make(chan struct{})}
	if env != nil {
		p.Cmd.Env = append(os.Environ(), env...)
	}
	p.Cmd.Stdout = &p.Stdout
	p.Cmd.Stderr = &p.Stderr
	p.Cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.Cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.err = p.Cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.Kill() })
	return p
}

// Kill ends the process group and waits for the process.
func (p *Proc) Kill() {
	if p.Cmd.Process != nil {
		syscall.Kill(-p.Cmd.Process.Pid, syscall.SIGKILL)
	}
	<-p.done
}

// Wait waits up to timeout for the process to exit and returns its error.
func (p *Proc) Wait(timeout time.Duration) (error, bool) {
	select {
	case <-p.done:
		return p.err, true
	case <-time.After(timeout):
		return nil, false
	}
}

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// ExitCode returns the exit status of a finished command error, 0 for nil,
// -1 when it did not exit normally.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// OpenSSHKey makes a key pair with OpenSSH's ssh-keygen (no passphrase) and
// returns the private key's path; the public key is path + ".pub".
func OpenSSHKey(t testing.TB, dir, keyType string) string {
	t.Helper()
	p := filepath.Join(dir, "id_"+keyType)
	out, err := exec.Command(NeedCmd(t, "ssh-keygen"), "-q", "-t", keyType, "-N", "", "-f", p).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	return p
}

// OpenSSHD is a real OpenSSH sshd started for a test on a loopback port.
type OpenSSHD struct {
	Port       int
	Addr       string
	HostKey    string // private key path; HostKey + ".pub" is the public key
	ConfigPath string
	Proc       *Proc
}

// StartOpenSSHD starts OpenSSH's sshd in the foreground on a free port of
// 127.0.0.1 with a fresh ed25519 host key; extra is appended to its config.
func StartOpenSSHD(t testing.TB, extra string) *OpenSSHD {
	t.Helper()
	cfgPath, hostKey, port := OpenSSHDConfig(t, extra)
	p := Start(t, NeedCmd(t, "sshd"), "-D", "-e", "-f", cfgPath)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	WaitPort(t, addr, 10*time.Second)
	return &OpenSSHD{Port: port, Addr: addr, HostKey: hostKey, ConfigPath: cfgPath, Proc: p}
}

// OpenSSHDConfig writes StartOpenSSHD's sshd_config (and host key) without
// starting the daemon, for tests that run OpenSSH's sshd -i themselves.
func OpenSSHDConfig(t testing.TB, extra string) (cfgPath, hostKey string, port int) {
	t.Helper()
	NeedRoot(t)
	os.MkdirAll("/run/sshd", 0o755)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hostKey = filepath.Join(dir, "ssh_host_ed25519_key")
	if out, err := exec.Command(NeedCmd(t, "ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", hostKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	port = FreePort(t)
	cfg := fmt.Sprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s\nPidFile none\nUsePAM no\nStrictModes no\nSubsystem sftp internal-sftp\n%s\n",
		port, hostKey, extra)
	cfgPath = filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath, hostKey, port
}
