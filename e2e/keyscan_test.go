package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// keyscan runs a keyscan program and returns its stdout lines sorted (the
// order of answers is not part of the format), its stderr and status.
func keyscan(t *testing.T, prog string, args ...string) ([]string, string, int) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	lines := strings.Split(strings.TrimRight(o.String(), "\n"), "\n")
	sort.Strings(lines)
	return lines, e.String(), testenv.ExitCode(err)
}

// TestKeyscan: sshbox's ssh-keyscan prints what OpenSSH's prints for
// OpenSSH's and sshbox's servers (each with an ed25519 and an RSA key, no
// ECDSA key), says nothing about the missing type beyond the banner
// comments, and -H hashes names so that ssh-keygen -F finds them.
func TestKeyscan(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	rsa := filepath.Join(dir, "ssh_host_rsa_key")
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsa).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	servers := map[string]int{
		"openssh": testenv.StartOpenSSHD(t, "HostKey "+rsa).Port,
		"sshbox":  testenv.StartSshbox(t, "HostKey "+rsa).Port,
	}
	ours, theirs := testenv.Bin(t, "ssh-keyscan"), testenv.NeedCmd(t, "ssh-keyscan")
	for name, port := range servers {
		p := fmt.Sprint(port)
		for _, args := range [][]string{
			{"-p", p, "127.0.0.1"},
			{"-p" + p, "-t", "ed25519,rsa", "127.0.0.1", "localhost"},
			{"-D", "-p", p, "127.0.0.1"},
			{"-t", "ecdsa", "-p", p, "127.0.0.1"},
		} {
			got, stderr, st1 := keyscan(t, ours, args...)
			want, _, st2 := keyscan(t, theirs, args...)
			if st1 != st2 || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s %q: sshbox (status %d)\n%s\nOpenSSH (status %d)\n%s", name, args, st1, strings.Join(got, "\n"), st2, strings.Join(want, "\n"))
			}
			comment := regexp.MustCompile(`^[#;] (127\.0\.0\.1|localhost):` + p + ` SSH-2\.0-\S+`)
			for _, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
				if !comment.MatchString(line) {
					t.Errorf("%s %q: stderr line %q", name, args, line)
				}
			}
		}
		if _, stderr, _ := keyscan(t, ours, "-q", "-p", p, "127.0.0.1"); stderr != "" {
			t.Errorf("-q: stderr %q", stderr)
		}
		hashed, _, status := keyscan(t, ours, "-H", "-p", p, "127.0.0.1")
		kh := filepath.Join(t.TempDir(), "known_hosts")
		os.WriteFile(kh, []byte(strings.Join(hashed, "\n")+"\n"), 0o600)
		if status != 0 || len(hashed) != 2 || !strings.HasPrefix(hashed[0], "|1|") {
			t.Fatalf("-H: status %d, %q", status, hashed)
		}
		out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-F", "[127.0.0.1]:"+p, "-f", kh).CombinedOutput()
		if err != nil || strings.Count(string(out), "|1|") != 2 {
			t.Errorf("ssh-keygen -F on -H output: %v\n%s", err, out)
		}
	}
	refused := fmt.Sprint(testenv.FreePort(t))
	if lines, stderr, status := keyscan(t, ours, "-p", refused, "127.0.0.1"); status != 1 || stderr != "" || lines[0] != "" {
		t.Errorf("nobody listening: status %d, stdout %q, stderr %q", status, lines, stderr)
	}
	if _, stderr, status := keyscan(t, ours, "-t", "foo", "127.0.0.1"); status != 255 || stderr != "Unknown key type \"foo\"\r\n" {
		t.Errorf("-t foo: status %d, %q", status, stderr)
	}
}

// TestKnownHostsScanQuiet: known-hosts scan reports a server's keys
// without a word about the key types the server lacks.
func TestKnownHostsScanQuiet(t *testing.T) {
	d := testenv.StartOpenSSHD(t, "")
	lines, stderr, status := keyscan(t, testenv.Bin(t, "known-hosts"), "scan", "-p", fmt.Sprint(d.Port), "127.0.0.1")
	if status != 0 || len(lines) != 1 || !strings.Contains(lines[0], "ssh-ed25519 ") {
		t.Errorf("status %d, stdout %q", status, lines)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "# 127.0.0.1:") {
		t.Errorf("stderr %q, want only the banner comment", stderr)
	}
}

// TestKeyscanCertificates: -c fetches host certificates as OpenSSH's
// ssh-keyscan -c does.
func TestKeyscanCertificates(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	ca := testenv.OpenSSHKey(t, dir, "ed25519")
	hostKey := filepath.Join(dir, "ssh_host_rsa_key")
	keygen := testenv.NeedCmd(t, "ssh-keygen")
	for _, args := range [][]string{
		{"-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", hostKey},
		{"-q", "-s", ca, "-I", "host", "-h", "-n", "127.0.0.1", hostKey + ".pub"},
	} {
		if out, err := exec.Command(keygen, args...).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen %q: %v\n%s", args, err, out)
		}
	}
	d := testenv.StartOpenSSHD(t, "HostKey "+hostKey+"\nHostCertificate "+hostKey+"-cert.pub")
	args := []string{"-c", "-p", fmt.Sprint(d.Port), "127.0.0.1"}
	got, _, st1 := keyscan(t, testenv.Bin(t, "ssh-keyscan"), args...)
	want, _, st2 := keyscan(t, testenv.NeedCmd(t, "ssh-keyscan"), args...)
	if st1 != 0 || st1 != st2 || strings.Join(got, "\n") != strings.Join(want, "\n") || !strings.Contains(got[0], "-cert-v01@openssh.com ") {
		t.Errorf("-c: sshbox (status %d)\n%s\nOpenSSH (status %d)\n%s", st1, strings.Join(got, "\n"), st2, strings.Join(want, "\n"))
	}
}
