package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// authCmdScript writes a root-owned program in a root-owned directory
// that appends "RUNAS ARGS" to log and then prints out and exits with
// status.
func authCmdScript(t *testing.T, dir, name, log, out string, status int) string {
	t.Helper()
	p := filepath.Join(dir, name)
	body := fmt.Sprintf("#!/bin/sh\necho \"$(id -un) $*\" >> %s\ncat <<'EOF'\n%sEOF\nexit %d\n", log, out, status)
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSshdAuthorizedKeysCommand: keys from AuthorizedKeysCommand admit
// exactly what OpenSSH's sshd admits with the same configuration, OpenSSH's
// ssh being the client: the program runs as AuthorizedKeysCommandUser with
// the same expanded tokens; a failing, unsafe or userless one admits
// nobody; without a user or with a relative path sshd does not start.
func TestSshdAuthorizedKeysCommand(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	pub, _ := os.ReadFile(key + ".pub")
	dir := sshdKeysDir(t)
	// The log sits beside the programs: nobody must reach it, and a
	// directory nobody could write keeps the path safe.
	logFile := filepath.Join(dir, "log")
	fresh := func() {
		os.WriteFile(logFile, nil, 0o666)
		os.Chmod(logFile, 0o666)
	}

	good := authCmdScript(t, dir, "good", logFile, string(pub), 0)
	failing := authCmdScript(t, dir, "failing", "/dev/null", string(pub), 1)
	unsafe := authCmdScript(t, dir, "unsafe", "/dev/null", string(pub), 0)
	os.Chmod(unsafe, 0o777)
	for _, c := range []struct {
		name, config string
	}{
		{"tokens", "AuthorizedKeysCommand " + good + " %u %t %f %h %U %%\nAuthorizedKeysCommandUser nobody"},
		{"no arguments", "AuthorizedKeysCommand " + good + "\nAuthorizedKeysCommandUser nobody"},
		{"user token", "AuthorizedKeysCommand " + good + " %k\nAuthorizedKeysCommandUser %u"},
		{"failing", "AuthorizedKeysCommand " + failing + "\nAuthorizedKeysCommandUser nobody"},
		{"unsafe", "AuthorizedKeysCommand " + unsafe + "\nAuthorizedKeysCommandUser nobody"},
	} {
		fresh()
		theirs := testenv.StartOpenSSHD(t, c.config)
		_, _, want := sshdLogin(t, &testenv.Sshbox{Port: theirs.Port}, key, u.Name, nil, nil, "true")
		theirs.Proc.Kill()
		wantLog := distinctLines(logFile)

		fresh()
		ours := testenv.StartSshbox(t, c.config)
		_, _, got := sshdLogin(t, ours, key, u.Name, nil, nil, "true")
		ours.Proc.Kill()
		gotLog := distinctLines(logFile)
		if got != want {
			t.Errorf("%s: status %d, OpenSSH's sshd %d\n%s", c.name, got, want, ours.Proc.Stderr.String())
		}
		if wantLog == "" && strings.Contains(c.config, good) {
			t.Errorf("%s: OpenSSH's sshd did not run the program", c.name)
		}
		if gotLog != wantLog {
			t.Errorf("%s: the program ran as and with\n%s\nunder OpenSSH's sshd\n%s", c.name, gotLog, wantLog)
		}
	}
	for config, want := range map[string]string{
		"AuthorizedKeysCommand " + good:                                            "AuthorizedKeysCommand set without AuthorizedKeysCommandUser",
		"AuthorizedPrincipalsCommand " + good:                                      "AuthorizedPrincipalsCommand set without AuthorizedPrincipalsCommandUser",
		"AuthorizedKeysCommand good\nAuthorizedKeysCommandUser nobody":             "AuthorizedKeysCommand must be an absolute path",
		"AuthorizedPrincipalsCommand %h/x\nAuthorizedPrincipalsCommandUser nobody": "AuthorizedPrincipalsCommand must be an absolute path",
	} {
		cfg, _, _ := testenv.SshboxConfig(t, config)
		out, err := exec.Command(testenv.Bin(t, "sshd"), "-t", "-f", cfg).CombinedOutput()
		if testenv.ExitCode(err) != 255 || !strings.Contains(string(out), want) {
			t.Errorf("sshd -t with %q: %v %q, want %q", config, err, out, want)
		}
	}
}

// distinctLines reads and removes a command's log: its distinct lines in
// order (OpenSSH's sshd asks once for the query and again for the
// signature, x/crypto once).
func distinctLines(path string) string {
	data, _ := os.ReadFile(path)
	os.Remove(path)
	seen := map[string]bool{}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestSshdAuthorizedPrincipalsCommand: with TrustedUserCAKeys, the
// principals AuthorizedPrincipalsCommand prints decide which certificates
// log in, exactly as under OpenSSH's sshd: a certificate naming only the
// user (which would do without the command) is refused, one naming a
// printed principal admitted, and the program sees the same tokens.
func TestSshdAuthorizedPrincipalsCommand(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	dir := sshdKeysDir(t)
	ca, cas := trustedUserCA(t, dir, "ed25519")
	logFile := filepath.Join(dir, "log")
	good := authCmdScript(t, dir, "principals", logFile, "# a comment\nprinc-ok\n", 0)
	failing := authCmdScript(t, dir, "failing", "/dev/null", "princ-ok\n", 3)
	certs := map[string]string{
		"the user only":    userCert(t, ca, u.Name),
		"printed":          userCert(t, ca, "princ-ok"),
		"printed and more": userCert(t, ca, "x,princ-ok,"+u.Name),
	}
	for _, config := range []string{
		"AuthorizedPrincipalsCommand " + good + " %u %i %s %T %F %f %t %U %h\nAuthorizedPrincipalsCommandUser nobody",
		"AuthorizedPrincipalsCommand " + failing + "\nAuthorizedPrincipalsCommandUser nobody",
	} {
		config = "TrustedUserCAKeys " + cas + "\n" + config
		for name, key := range certs {
			os.WriteFile(logFile, nil, 0o666)
			os.Chmod(logFile, 0o666)
			theirs := testenv.StartOpenSSHD(t, config)
			_, _, want := sshdLogin(t, &testenv.Sshbox{Port: theirs.Port}, key, u.Name, nil, nil, "true")
			theirs.Proc.Kill()
			wantLog := distinctLines(logFile)
			os.WriteFile(logFile, nil, 0o666)
			os.Chmod(logFile, 0o666)
			ours := testenv.StartSshbox(t, config)
			_, _, got := sshdLogin(t, ours, key, u.Name, nil, nil, "true")
			ours.Proc.Kill()
			gotLog := distinctLines(logFile)
			if got != want {
				t.Errorf("%q, certificate for %s: status %d, OpenSSH's sshd %d\n%s", config, name, got, want, ours.Proc.Stderr.String())
			}
			if gotLog != wantLog {
				t.Errorf("%q, certificate for %s: the program ran as and with\n%s\nunder OpenSSH's sshd\n%s", config, name, gotLog, wantLog)
			}
			if strings.Contains(config, good) && wantLog == "" {
				t.Errorf("OpenSSH's sshd did not run %s", good)
			}
		}
	}
}
