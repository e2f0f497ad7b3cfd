package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdFailClosedRefusesConfig: a restriction sshbox cannot enforce
// makes sshd -t fail with file:line and the reason, and sshd refuses to
// start; the harmless value of the same keyword is accepted.
func TestSshdFailClosedRefusesConfig(t *testing.T) {
	t.Parallel()
	bin := testenv.Bin(t, "")
	cfg, _, _ := testenv.SshboxConfig(t, "Match User nobody\n  PubkeyAuthOptions verify-required")
	out, err := exec.Command(bin, "sshd", "-t", "-f", cfg).CombinedOutput()
	want := cfg + ":6: PubkeyAuthOptions is not supported by sshbox"
	if testenv.ExitCode(err) == 0 || !strings.Contains(string(out), want) || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 {
		t.Errorf("sshd -t: %v\n%s\nwant one line with %q", err, out, want)
	}
	// A bound on a hang (an sshd that wrongly starts), not a measurement.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err = exec.CommandContext(ctx, bin, "sshd", "-D", "-e", "-f", cfg).CombinedOutput()
	if testenv.ExitCode(err) == 0 || !strings.Contains(string(out), want) {
		t.Errorf("sshd -D started: %v\n%s", err, out)
	}
	ok, _, _ := testenv.SshboxConfig(t, "PubkeyAuthOptions none\nUseDNS no")
	if out, err := exec.Command(bin, "sshd", "-t", "-f", ok).CombinedOutput(); err != nil {
		t.Errorf("harmless values refused: %v\n%s", err, out)
	}
}

// TestSshdFailClosedPermitTTY: PermitTTY no refuses a terminal even to a
// key whose options ask for one (restrict,pty); a Match block can allow it
// again for one user.
func TestSshdFailClosedPermitTTY(t *testing.T) {
	t.Parallel()
	a := testenv.NewUser(t, "")
	b := testenv.NewUser(t, "")
	keyA, keyB := a.AuthorizeKey(t, "restrict,pty"), b.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "PermitTTY no\nMatch User "+b.Name+"\n  PermitTTY yes")
	if out, errOut, _ := sshdLogin(t, d, keyA, a.Name, nil, []string{"-tt"}, "tty"); strings.HasPrefix(out, "/dev/pts/") || !strings.Contains(errOut, "PTY allocation request failed") {
		t.Errorf("PermitTTY no: stdout %q, stderr %q", out, errOut)
	}
	if out, errOut, code := sshdLogin(t, d, keyA, a.Name, nil, nil, "echo no-tty-needed"); code != 0 || out != "no-tty-needed\n" {
		t.Errorf("PermitTTY no refused a session without a terminal: %d %q %q", code, out, errOut)
	}
	if out, errOut, code := sshdLogin(t, d, keyB, b.Name, nil, []string{"-tt"}, "tty"); code != 0 || !strings.HasPrefix(out, "/dev/pts/") {
		t.Errorf("Match PermitTTY yes: status %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestSshdFailClosedEnvironment: PermitUserEnvironment as a pattern list
// lets environment= set only the names it matches (LD_PRELOAD does not get
// through to a ForceCommand), and SetEnv's first value of a name wins over
// a later one and over the key's.
func TestSshdFailClosedEnvironment(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, `environment="LD_PRELOAD=/tmp/evil.so",environment="LC_SBX=kept",environment="SBX_SET=key"`)
	d := testenv.StartSshbox(t, "PermitUserEnvironment LANG,LC_*,SBX_*\nSetEnv SBX_SET=first SBX_SET=second SBX_OTHER=x\n"+
		`ForceCommand echo "[$LD_PRELOAD][$LC_SBX][$SBX_SET][$SBX_OTHER]"`)
	out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "true")
	if code != 0 || out != "[][kept][first][x]\n" {
		t.Errorf("status %d, stdout %q, stderr %q\n%s", code, out, errOut, d.Proc.Stderr.String())
	}
	cfg, _, _ := testenv.SshboxConfig(t, "PermitUserEnvironment LANG,LC_*")
	tOut, err := exec.Command(testenv.Bin(t, ""), "sshd", "-T", "-f", cfg).CombinedOutput()
	if err != nil || !strings.Contains(string(tOut), "\npermituserenvironment LANG,LC_*\n") {
		t.Errorf("sshd -T: %v\n%s", err, tOut)
	}
}

const forgeLogScript = `
import sys, paramiko
t = paramiko.Transport(("127.0.0.1", int(sys.argv[1])))
t.start_client()
try:
    t.auth_password(sys.argv[2], "not-the-password")
except paramiko.AuthenticationException:
    pass
t.close()
print("sent")
`

// TestSshdFailClosedLogForging: paramiko sends a user name that carries a
// newline and a complete "Accepted password for root" line; the log shows
// it escaped inside the one line about the invalid user, and no line of
// the log starts with the forged text.
func TestSshdFailClosedLogForging(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "LogLevel VERBOSE")
	forged := "sbxnone\nAccepted password for root from 10.9.8.7 port 22 ssh2"
	out, err := exec.Command("/usr/bin/python3", "-c", forgeLogScript, fmt.Sprint(d.Port), forged).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "sent" {
		t.Fatalf("paramiko: %v\n%s", err, out)
	}
	d.WaitLog(t, `sbxnone\012Accepted password for root from 10.9.8.7 port 22 ssh2`, 10*time.Second)
	for _, line := range strings.Split(d.Proc.Stderr.String(), "\n") {
		if strings.HasPrefix(line, "Accepted") || strings.Contains(line, "Accepted password for root") && !strings.Contains(line, `\012Accepted`) {
			t.Errorf("forged log line: %q", line)
		}
	}
}
