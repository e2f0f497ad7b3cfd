package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdSocketActivation: systemd-socket-activate (systemd's own tool
// for what a .socket unit does) holds the port and hands it to sshd, with
// Accept=no (one sshd gets the listening socket through LISTEN_FDS) and
// with Accept=yes (one sshd -i per connection); OpenSSH's client logs in
// both ways. The configuration names the very port the activator holds,
// so an sshd that ignored LISTEN_FDS and bound it itself would fail.
func TestSshdSocketActivation(t *testing.T) {
	t.Parallel()
	activate := testenv.NeedCmd(t, "systemd-socket-activate")
	for _, mode := range []string{"Accept=no", "Accept=yes"} {
		t.Run(mode, func(t *testing.T) {
			u := testenv.NewUser(t, "")
			key := u.AuthorizeKey(t, "")
			cfg, hostKey, port := testenv.SshboxConfig(t, "")
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			args := []string{"-l", addr, testenv.Bin(t, "sshd"), "-D", "-e", "-f", cfg}
			if mode == "Accept=yes" {
				args = []string{"-l", addr, "--inetd", "-a", testenv.Bin(t, "sshd"), "-i", "-f", cfg}
			}
			p := testenv.Start(t, activate, args...)
			testenv.WaitPort(t, addr, 10*time.Second)
			d := &testenv.Sshbox{Port: port, Addr: addr, HostKey: hostKey, ConfigPath: cfg, Proc: p}
			for i := 0; i < 2; i++ {
				out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo", "in")
				if code != 0 || out != "in\n" {
					t.Fatalf("login %d: status %d, %q %q\nlog:\n%s", i, code, out, errOut, p.Stderr.String())
				}
			}
			if mode == "Accept=no" && strings.Contains(p.Stderr.String(), "Cannot bind") {
				t.Errorf("sshd tried to bind the port itself:\n%s", p.Stderr.String())
			}
		})
	}
}

// TestSshdNotifiesReadiness: with NOTIFY_SOCKET set, sshd sends READY=1
// (with its MAINPID) once it listens, RELOADING=1 and READY=1 around a
// SIGHUP reload, and STOPPING=1 on SIGTERM, as sd_notify(3) describes.
func TestSshdNotifiesReadiness(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sock := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cfg, _, port := testenv.SshboxConfig(t, "")
	p := testenv.StartEnv(t, []string{"NOTIFY_SOCKET=" + sock}, testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", cfg)
	next := func(want string) {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		buf := make([]byte, 4096)
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("waiting for %q: %v\nlog:\n%s", want, err, p.Stderr.String())
		}
		if got := string(buf[:n]); !strings.Contains(got+"\n", want+"\n") {
			t.Fatalf("notification %q, want one with %q", got, want)
		}
	}
	next(fmt.Sprintf("READY=1\nMAINPID=%d", p.Cmd.Process.Pid))
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	p.Cmd.Process.Signal(syscall.SIGHUP)
	next("RELOADING=1")
	next("READY=1")
	p.Cmd.Process.Signal(syscall.SIGTERM)
	next("STOPPING=1")
	if err, done := p.Wait(10 * time.Second); !done || err != nil {
		t.Fatalf("SIGTERM: %v %v", done, err)
	}
	if _, err := os.Stat(sock); err != nil {
		t.Fatal(err)
	}
}

// TestSystemdUnitsVerify: the shipped units parse (systemd-analyze verify,
// with the binary path pointed at this build), and the service leaves
// sessions alone on stop (KillMode=process).
func TestSystemdUnitsVerify(t *testing.T) {
	t.Parallel()
	analyze := testenv.NeedCmd(t, "systemd-analyze")
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(root, "contrib", "systemd")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var units []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(data), "/usr/local/bin/sshd", testenv.Bin(t, "sshd"))
		if e.Name() == "sshd.service" && !strings.Contains(text, "\nKillMode=process\n") {
			t.Errorf("sshd.service lacks KillMode=process")
		}
		p := filepath.Join(dir, e.Name())
		os.WriteFile(p, []byte(text), 0o644)
		units = append(units, p)
	}
	out, err := exec.Command(analyze, append([]string{"verify"}, units...)...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
