package sshkeygen

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

type result struct {
	out, err string
	rc       int
}

func runCmd(t *testing.T, stdin, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	// No controlling terminal: passphrases come from -N/-P, answers from
	// stdin.
	cmd.SysProcAttr = noTTY()
	r := testenv.Run(t, cmd, stdin)
	return result{r.Out, r.Err, r.RC}
}

// sb runs sshbox's ssh-keygen.
func sb(t *testing.T, args ...string) result {
	t.Helper()
	return runCmd(t, "", testenv.Bin(t, "ssh-keygen"), args...)
}

// ossh runs OpenSSH's ssh-keygen, the judge.
func ossh(t *testing.T, args ...string) result {
	t.Helper()
	return runCmd(t, "", testenv.NeedCmd(t, "ssh-keygen"), args...)
}

func must(t *testing.T, r result, what string) result {
	t.Helper()
	if r.rc != 0 {
		t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", what, r.rc, r.out, r.err)
	}
	return r
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// pubBody is "type base64" of an authorized_keys line, comment dropped.
func pubBody(s string) string {
	f := strings.Fields(s)
	if len(f) < 2 {
		return s
	}
	return f[0] + " " + f[1]
}

func binKeygen(t *testing.T) string { return testenv.Bin(t, "ssh-keygen") }
