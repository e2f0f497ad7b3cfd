package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSSHSuspendAndTerminalRestored runs ssh from an interactive shell with
// job control: ~^Z stops ssh with the terminal back in cooked mode, fg
// resumes the session, and after ssh ends the terminal is as it was.
func TestSSHSuspendAndTerminalRestored(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	tm := testenv.StartTerm(t, 24, 80, []string{"HOME=" + e.home, "TERM=xterm", "SSH_AUTH_SOCK=", "PS1=local$ "},
		testenv.NeedCmd(t, "bash"), "--norc", "--noprofile", "-i")
	at := tm.Expect(0, "local$ ", 10*time.Second)
	tm.Type(testenv.Bin(t, "ssh") + " " + strings.Join(e.base(), " ") + " " + e.dest() + "\r")
	tm.Type("PS1='rem''> '\r")
	at = tm.Expect(at, "rem> ", 15*time.Second)
	tm.Type("~\x1a")
	at = tm.Expect(at, "Stopped", 5*time.Second)
	at = tm.Expect(at, "local$ ", 5*time.Second)
	// Cooked mode while stopped: stty shows icanon and echo on.
	tm.Type("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ,; echo\r")
	at = tm.Expect(at, "icanon,echo,", 5*time.Second)
	tm.Type("fg\r")
	tm.Type("echo back-$((40+2))\r")
	at = tm.Expect(at, "back-42", 10*time.Second)
	tm.Type("exit\r")
	at = tm.Expect(at, "Connection to 127.0.0.1 closed.", 10*time.Second)
	at = tm.Expect(at, "local$ ", 5*time.Second)
	tm.Type("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ,; echo\r")
	tm.Expect(at, "icanon,echo,", 5*time.Second)
	tm.Type("exit\r")
	tm.Wait(10 * time.Second)
}

// TestSSHSignalRestoresTerminal: SIGTERM ends ssh with status 255 and the
// terminal back in cooked mode.
func TestSSHSignalRestoresTerminal(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	tm := testenv.StartTerm(t, 24, 80, []string{"HOME=" + e.home, "TERM=xterm", "SSH_AUTH_SOCK=", "PS1=local$ "},
		testenv.NeedCmd(t, "bash"), "--norc", "--noprofile", "-i")
	at := tm.Expect(0, "local$ ", 10*time.Second)
	tm.Type(testenv.Bin(t, "ssh") + " " + strings.Join(e.base(), " ") + " -o LogLevel=VERBOSE " + e.dest() + "\r")
	tm.Type("PS1='rem''> '\r")
	at = tm.Expect(at, "rem> ", 15*time.Second)
	// ssh is the shell's only child.
	pid := tm.Cmd.Process.Pid
	kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil || len(strings.Fields(string(kids))) != 1 {
		t.Fatalf("children of the shell: %q, %v", kids, err)
	}
	sshPid, _ := strconv.Atoi(strings.Fields(string(kids))[0])
	if err := syscall.Kill(sshPid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	at = tm.Expect(at, "Killed by signal 15.", 5*time.Second)
	at = tm.Expect(at, "local$ ", 5*time.Second)
	tm.Type("echo status=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ,; echo\r")
	tm.Expect(at, "status=255\r\nicanon,echo,", 5*time.Second)
	tm.Type("exit\r")
	tm.Wait(10 * time.Second)
}
