package e2e

import (
	"bytes"
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

// startAgent runs an agent in the foreground (sshbox's or OpenSSH's, by
// path) on a socket in dir and waits for the socket.
func startAgent(t *testing.T, prog, dir string, cred *syscall.Credential, env []string, args ...string) string {
	t.Helper()
	sock := filepath.Join(dir, "agent.sock")
	cmd := exec.Command(prog, append([]string{"-D", "-a", sock}, args...)...)
	cmd.Env = append(agentEnv(""), env...)
	var stderr testenv.SyncBuffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	})
	waitFor(t, "agent socket "+sock, func() bool {
		select {
		case <-done:
			t.Fatalf("%s exited: %s", prog, stderr.String())
		default:
		}
		// Connectable, not just there: the socket's file exists from
		// bind(2), a moment before listen(2), when a client is refused
		// (TestAgentConfirm once saw "Connection refused" that way).
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return sock
}

// agentEnv is the environment of an agent client: no askpass, no display,
// the given socket.
func agentEnv(sock string) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE", "DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "SSH_AUTH_SOCK="+sock)
}

// agentRun runs an agent client without a terminal.
func agentRun(t *testing.T, sock, prog string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Env = agentEnv(sock)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	return o.String(), e.String(), testenv.ExitCode(err)
}

// waitFor polls cond for a generous while: agents and their keys change
// state in their own time, which a test must not assume.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// loginWithAgent logs in with OpenSSH's ssh using only the agent's keys
// (the key file is out of reach) and returns its status and stderr.
func loginWithAgent(t *testing.T, e *sshEnv, sock string) (int, string) {
	t.Helper()
	ssh := testenv.NeedCmd(t, "ssh")
	return agentRunStatus(t, sock, ssh, "-F", "/dev/null", "-v", "-o", "IdentityFile="+filepath.Join(e.home, "none"),
		"-o", "UserKnownHostsFile="+e.kh, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
		"-p", fmt.Sprint(e.port), e.dest(), "echo agent-login-ok")
}

func agentRunStatus(t *testing.T, sock, prog string, args ...string) (int, string) {
	t.Helper()
	out, errOut, status := agentRun(t, sock, prog, args...)
	if status == 0 && out != "agent-login-ok\n" {
		t.Errorf("login output %q", out)
	}
	return status, errOut
}
