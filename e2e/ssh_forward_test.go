package e2e

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
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

// TestSSHRemoteForward: -R makes the server listen and carries its
// connections back to a local listener.
func TestSSHRemoteForward(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	l := testenv.ServeTCP(t, func(c net.Conn) {
		io.WriteString(c, "hello from the client side\n")
		c.Close()
	})
	rport := testenv.FreePort(t)
	args := append(e.base(), "-o", "BatchMode=yes", "-N", "-R",
		fmt.Sprintf("%d:127.0.0.1:%d", rport, l.Addr().(*net.TCPAddr).Port), e.dest())
	p := testenv.Start(t, testenv.Bin(t, "ssh"), args...)
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", rport), 15*time.Second)
	// x/crypto registers a remote forwarding only after the server has
	// confirmed it, so a connection arriving in that instant is refused;
	// later ones must get through.
	var line string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", rport))
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		line, _ = bufio.NewReader(c).ReadString('\n')
		c.Close()
		if line != "" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if line != "hello from the client side\n" {
		t.Errorf("through -R: %q; ssh stderr:\n%s", line, p.Stderr.String())
	}
}

// TestSSHDynamicForward: -D is a SOCKS5 proxy whose connections leave from
// the server.
func TestSSHDynamicForward(t *testing.T) {
	e, d := openSSHEnv(t, "")
	dport := testenv.FreePort(t)
	args := append(e.base(), "-o", "BatchMode=yes", "-N", "-D", fmt.Sprint(dport), e.dest())
	p := testenv.Start(t, testenv.Bin(t, "ssh"), args...)
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", dport), 15*time.Second)
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", dport))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte{5, 1, 0})
	var auth [2]byte
	if _, err := io.ReadFull(c, auth[:]); err != nil || auth != [2]byte{5, 0} {
		t.Fatalf("SOCKS5 method reply %v, %v; ssh stderr:\n%s", auth, err, p.Stderr.String())
	}
	req := []byte{5, 1, 0, 1, 127, 0, 0, 1, 0, 0}
	binary.BigEndian.PutUint16(req[8:], uint16(d.Port))
	c.Write(req)
	var rep [10]byte
	if _, err := io.ReadFull(c, rep[:]); err != nil || rep[1] != 0 {
		t.Fatalf("SOCKS5 reply %v, %v", rep, err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if !strings.HasPrefix(line, "SSH-2.0-OpenSSH") {
		t.Errorf("through -D: %q, %v", line, err)
	}
}

// TestSSHBackground: -f, or ForkAfterAuthentication in the
// configuration, returns once authenticated while the command goes on in
// the background.
func TestSSHBackground(t *testing.T) {
	for _, how := range [][]string{{"-f"}, {"-o", "ForkAfterAuthentication=yes"}} {
		t.Run(strings.Join(how, " "), func(t *testing.T) { testBackground(t, how) })
	}
}

func testBackground(t *testing.T, how []string) {
	e, _ := openSSHEnv(t, "")
	outPath := e.home + "/bg.out"
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	args := append(append(e.base(), "-o", "BatchMode=yes"), how...)
	args = append(args, e.dest(), "sleep 1; echo background-done")
	cmd := exec.Command(testenv.Bin(t, "ssh"), args...)
	cmd.Env = e.env()
	cmd.Stdout = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("ssh %s: %v", how, err)
	}
	if time.Since(start) > 900*time.Millisecond+5*time.Second {
		t.Errorf("ssh %s waited for the command", how)
	}
	if b := readFile(t, outPath); len(b) != 0 {
		t.Fatalf("output before the command ran: %q", b)
	}
	deadline := time.Now().Add(15 * time.Second)
	for string(readFile(t, outPath)) != "background-done\n" {
		if time.Now().After(deadline) {
			t.Fatalf("background command output: %q", readFile(t, outPath))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestSSHEnvironmentAndRemoteCommand(t *testing.T) {
	e, _ := openSSHEnv(t, "AcceptEnv SBX_*")
	args := append(e.base(), "-o", "BatchMode=yes", "-o", "SendEnv=SBX_A", "-o", "SetEnv=SBX_B=two",
		"-o", "RemoteCommand=echo $SBX_A $SBX_B", e.dest())
	cmd := exec.Command(testenv.Bin(t, "ssh"), args...)
	cmd.Env = append(e.env(), "SBX_A=one")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	got, err := cmd.Output()
	if err != nil || string(got) != "one two\n" {
		t.Errorf("got %q, %v", got, err)
	}
}

// TestSSHForwardFailure: a local port already taken is a warning, or fatal
// with ExitOnForwardFailure.
func TestSSHForwardFailure(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	spec := fmt.Sprintf("%d:127.0.0.1:22", busy.Addr().(*net.TCPAddr).Port)
	stdout, stderr, status := e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-L", spec, e.dest(), "echo", "still-ran")...)
	if status != 0 || stdout != "still-ran\n" || !strings.Contains(stderr, "Address already in use") {
		t.Errorf("without ExitOnForwardFailure: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	stdout, stderr, status = e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-L", spec, e.dest(), "echo", "still-ran")...)
	if status != 255 || stdout != "" || !strings.Contains(stderr, "Could not request local forwarding.") {
		t.Errorf("with ExitOnForwardFailure: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	// OpenSSH's words, -D's included, compared byte for byte with
	// OpenSSH's ssh (on 127.0.0.1 only: for localhost it would listen on
	// ::1 as well), whose log lines end in \r\n even without a terminal.
	for _, fwd := range []string{"-L127.0.0.1:" + spec, "-D127.0.0.1:" + strings.Split(spec, ":")[0]} {
		args := append(e.base(), "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", fwd, e.dest(), "true")
		_, got, gotStatus := e.run(nil, args...)
		_, want, wantStatus := e.runProg(testenv.NeedCmd(t, "ssh"), nil, nil, args...)
		if got != want || gotStatus != wantStatus {
			t.Errorf("%s: sshbox %q (status %d), OpenSSH %q (status %d)", fwd, got, gotStatus, want, wantStatus)
		}
	}
}

// TestSSHBackgroundAfterPassword: under -f the password is still asked on
// the terminal, before ssh goes to the background.
func TestSSHBackgroundAfterPassword(t *testing.T) {
	e, _ := openSSHEnv(t, "PasswordAuthentication yes\nKbdInteractiveAuthentication no")
	e.user.SetPassword(t, "bg pass", "")
	outPath := e.home + "/bg.out"
	line := testenv.Bin(t, "ssh") + " " + strings.Join(e.base(), " ") + " -o PubkeyAuthentication=no -f " + e.dest() +
		" 'sleep 1; echo bg-after-password' > " + outPath + "; echo parent=$?; sleep 10"
	tm := testenv.StartTerm(t, 24, 80, e.env(), "/bin/sh", "-c", line)
	at := tm.Expect(0, "'s password: ", 15*time.Second)
	tm.Type("bg pass\r")
	tm.Expect(at, "parent=0", 10*time.Second)
	deadline := time.Now().Add(15 * time.Second)
	for string(readFile(t, outPath)) != "bg-after-password\n" {
		if time.Now().After(deadline) {
			t.Fatalf("background output %q; terminal:\n%s", readFile(t, outPath), tm.Output())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// socks5Echo asks a SOCKS5 proxy at addr for 127.0.0.1:port and, when the
// proxy grants it, sends "hello" and returns the answer; granted is false
// when the proxy refused.
func socks5Echo(t *testing.T, network, addr string, port int) (granted bool, reply string) {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte{5, 1, 0})
	var auth [2]byte
	if _, err := io.ReadFull(c, auth[:]); err != nil || auth != [2]byte{5, 0} {
		// OpenSSH's ssh under PermitRemoteOpen none refuses before
		// SOCKS starts: a refusal all the same.
		t.Logf("SOCKS5 method reply %v, %v", auth, err)
		return false, ""
	}
	req := []byte{5, 1, 0, 1, 127, 0, 0, 1, 0, 0}
	binary.BigEndian.PutUint16(req[8:], uint16(port))
	c.Write(req)
	var rep [10]byte
	if _, err := io.ReadFull(c, rep[:]); err != nil || rep[1] != 0 {
		return false, ""
	}
	c.Write([]byte("hello"))
	buf := make([]byte, 64)
	n, _ := c.Read(buf)
	return true, string(buf[:n])
}

// TestSSHRemoteDynamicForward: -R with a listening end only (a port, or a
// socket path) makes the client a SOCKS proxy for the server's
// connections, within PermitRemoteOpen, with OpenSSH's ssh doing the same
// on the same command line.
func TestSSHRemoteDynamicForward(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	echo := echoServer(t, "echo:")
	echoPort := echo.Addr().(*net.TCPAddr).Port
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		for _, tc := range []struct {
			permit string
			ok     bool
		}{
			{"", true},
			{fmt.Sprintf("127.0.0.1:%d", echoPort), true},
			{"127.0.0.1:1 localhost:*", false},
			{"none", false},
		} {
			rport := testenv.FreePort(t)
			args := append(e.base(), "-v", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-N", "-R", fmt.Sprint(rport))
			if tc.permit != "" {
				args = append(args, "-o", "PermitRemoteOpen="+tc.permit)
			}
			p := testenv.Start(t, prog, append(args, e.dest())...)
			// Both clients say when the server has confirmed the
			// forwarding; connections before that may be refused.
			waitFor(t, "the remote forwarding of "+prog, func() bool {
				return strings.Contains(p.Stderr.String(), "remote forward success for: listen "+fmt.Sprint(rport)+", connect socks:0")
			})
			granted, reply := socks5Echo(t, "tcp", fmt.Sprintf("127.0.0.1:%d", rport), echoPort)
			if granted != tc.ok || tc.ok && reply != "echo:hello" {
				t.Errorf("%s, PermitRemoteOpen %q: granted %v, reply %q; stderr:\n%s", prog, tc.permit, granted, reply, p.Stderr.String())
			}
			p.Kill()
		}
	}
	// On a socket path of the server.
	dir := sharedDir(t, 0o755, e.user.UID, e.user.GID)
	sock := filepath.Join(dir, "socks.sock")
	p := testenv.Start(t, testenv.Bin(t, "ssh"), append(e.base(), "-v", "-o", "BatchMode=yes", "-N", "-R", sock, e.dest())...)
	waitFor(t, "the remote socket "+sock, func() bool {
		return strings.Contains(p.Stderr.String(), "remote forward success for: listen "+sock+":-2, connect socks:0")
	})
	if granted, reply := socks5Echo(t, "unix", sock, echoPort); !granted || reply != "echo:hello" {
		t.Errorf("-R %s: granted %v, reply %q; stderr:\n%s", sock, granted, reply, p.Stderr.String())
	}
}
