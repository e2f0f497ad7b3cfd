package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdUseDNS: with UseDNS yes, sshd looks the client's address up and
// host patterns see the name (from= in authorized_keys, Match Host); a
// PTR record that is an address is ignored; with UseDNS no only the
// address counts. OpenSSH 9.2's sshd runs beside sshbox's under the same
// configuration and must give the same verdicts. Names come from a hosts
// file mounted over /etc/hosts in a mount namespace the test makes for
// each server.
func TestSshdUseDNS(t *testing.T) {
	t.Parallel()
	unshare := testenv.NeedCmd(t, "unshare")
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hosts := filepath.Join(dir, "hosts")
	os.WriteFile(hosts, []byte("127.0.0.1 localhost\n127.0.0.2 trusted.example.test\n127.0.0.3 10.9.9.9\n"), 0o644)
	inNamespace := func(prog string, args ...string) []string {
		return append([]string{"--mount", "sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, hosts, prog}, args...)
	}

	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	pub, _ := os.ReadFile(key + ".pub")
	u.WriteFile(t, ".ssh/authorized_keys", append([]byte(`from="trusted.example.test,10.9.9.9" `), pub...), 0o600)
	extra := func(useDNS string) string {
		return "UseDNS " + useDNS + "\nMatch Host trusted.example.test\n\tForceCommand echo by-name\n"
	}

	type server struct {
		name string
		port int
		log  func() string
	}
	startBox := func(useDNS string) server {
		cfg, _, port := testenv.SshboxConfig(t, extra(useDNS))
		p := testenv.Start(t, unshare, inNamespace(testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", cfg, "-o", "PerSourcePenalties=no")...)
		testenv.WaitListening(t, p, 20*time.Second)
		return server{"sshbox", port, p.Stderr.String}
	}
	startOpenSSH := func(useDNS string) server {
		d := t.TempDir()
		os.Chmod(d, 0o755)
		hk := testenv.OpenSSHKey(t, d, "ed25519")
		port := testenv.FreePort(t)
		cfg := filepath.Join(d, "sshd_config")
		os.WriteFile(cfg, []byte(fmt.Sprintf("Port %d\nListenAddress 127.0.0.1\nListenAddress 127.0.0.2\nListenAddress 127.0.0.3\nHostKey %s\nPidFile none\nUsePAM no\nLogLevel VERBOSE\n%s",
			port, hk, extra(useDNS))), 0o644)
		p := testenv.Start(t, unshare, inNamespace(testenv.NeedCmd(t, "sshd"), "-D", "-e", "-f", cfg)...)
		testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", port), 10*time.Second)
		return server{"OpenSSH", port, p.Stderr.String}
	}
	login := func(s server, from string) (string, int) {
		args := append([]string{"-b", from}, testenv.SSHArgs(key, s.port, u.Name)...)
		cmd := exec.Command(testenv.NeedCmd(t, "ssh"), append(args, "echo", "plain")...)
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), testenv.ExitCode(err)
	}

	for _, s := range []server{startBox("yes"), startOpenSSH("yes")} {
		// 127.0.0.2 is trusted.example.test: from= admits it and the
		// Match Host block applies.
		if out, code := login(s, "127.0.0.2"); code != 0 || out != "by-name" {
			t.Errorf("%s, UseDNS yes, from trusted.example.test: status %d, %q\n%s", s.name, code, out, s.log())
		}
		// 127.0.0.1 is localhost, in no pattern.
		if out, code := login(s, "127.0.0.1"); code != 255 {
			t.Errorf("%s, UseDNS yes, from localhost: status %d, %q", s.name, code, out)
		}
		// 127.0.0.3's PTR record is an address: ignored (OpenSSH logs a
		// "Nasty PTR record"; Go's resolver refuses such a record
		// itself), and the address, not the record, is matched: the
		// from= entry 10.9.9.9 does not admit it.
		if out, code := login(s, "127.0.0.3"); code != 255 {
			t.Errorf("%s, UseDNS yes, from a nasty PTR: status %d, %q", s.name, code, out)
		}
		want := "with correct key but not from a permitted host (host=localhost, ip=127.0.0.1)."
		if s.name == "OpenSSH" {
			want = `Nasty PTR record "10.9.9.9" is set up for 127.0.0.3, ignoring`
		}
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(s.log(), want) {
			if time.Now().After(deadline) {
				t.Errorf("%s's log lacks %q:\n%s", s.name, want, s.log())
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, s := range []server{startBox("no"), startOpenSSH("no")} {
		if out, code := login(s, "127.0.0.2"); code != 255 {
			t.Errorf("%s, UseDNS no, from trusted.example.test: status %d, %q", s.name, code, out)
		}
	}
}
