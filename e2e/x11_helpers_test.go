package e2e

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// xDisplay is a real X server (Xvfb) for the X11 forwarding tests: it
// listens on its Unix socket only and accepts the one cookie in Auth,
// which ssh's side finds through XAUTHORITY.
type xDisplay struct {
	Display string // ":N"
	Auth    string // an Xauthority file with the display's cookie
	Cookie  string // hex
}

// Env is what an ssh client on this display runs with.
func (d *xDisplay) Env() []string {
	return []string{"DISPLAY=" + d.Display, "XAUTHORITY=" + d.Auth}
}

// startXvfb starts Xvfb on a free display number (it picks one and says
// which through -displayfd) and ends it with the test. -noreset: as a
// desktop's X server, it keeps the untrusted cookies xauth generates when
// its last client leaves.
func startXvfb(t *testing.T) *xDisplay {
	t.Helper()
	xvfb := testenv.NeedCmd(t, "Xvfb")
	xauth := testenv.NeedCmd(t, "xauth")
	dir := t.TempDir()
	cookie := make([]byte, 16)
	rand.Read(cookie)
	d := &xDisplay{Auth: filepath.Join(dir, "client.auth"), Cookie: hex.EncodeToString(cookie)}
	serverAuth := filepath.Join(dir, "server.auth")
	if out, err := exec.Command(xauth, "-f", serverAuth, "add", ":0", ".", d.Cookie).CombinedOutput(); err != nil {
		t.Fatalf("xauth add: %v\n%s", err, out)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xvfb, "-displayfd", "3", "-auth", serverAuth, "-nolisten", "tcp", "-noreset", "-screen", "0", "640x480x24")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr testenv.SyncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatalf("Xvfb did not start:\n%s", stderr.String())
		}
		d.Display = ":" + n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not say its display:\n%s", stderr.String())
	}
	if out, err := exec.Command(xauth, "-f", d.Auth, "add", d.Display, ".", d.Cookie).CombinedOutput(); err != nil {
		t.Fatalf("xauth add: %v\n%s", err, out)
	}
	return d
}

// x11Probe is a remote command that shows what a forwarded session sees:
// its DISPLAY, the protocol of the cookie ~/.Xauthority has for it, and
// whether an X client gets through to the display.
const x11Probe = `echo "display=$DISPLAY"; ` +
	`n=${DISPLAY#*:}; xauth list "unix:$n" 2>/dev/null | awk '{print "xauth=" $2}'; ` +
	`xdpyinfo >/dev/null 2>&1 && echo x11=ok || echo x11=failed`

// x11Absent is what x11Probe prints in a session without X11 forwarding.
const x11Absent = "display=\nx11=failed\n"

// eachClientServer runs f for sshbox's and OpenSSH's ssh, each against
// sshbox's sshd (boxPort) and OpenSSH's (osshPort).
func eachClientServer(t *testing.T, boxPort, osshPort int, f func(client, server, ssh string, port int)) {
	for _, cl := range []struct{ name, ssh string }{
		{"sshbox", testenv.Bin(t, "ssh")},
		{"OpenSSH", testenv.NeedCmd(t, "ssh")},
	} {
		for _, srv := range []struct {
			name string
			port int
		}{{"sshbox", boxPort}, {"OpenSSH", osshPort}} {
			f(cl.name, srv.name, cl.ssh, srv.port)
		}
	}
}
