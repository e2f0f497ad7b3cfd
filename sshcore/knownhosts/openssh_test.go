package knownhosts

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
)

// Check must accept exactly what OpenSSH's ssh accepts with
// StrictHostKeyChecking yes: same files, same server, same verdict.
func TestCheckAgreesWithOpenSSH(t *testing.T) {
	d := testenv.StartOpenSSHD(t, "HostKeyAlgorithms ssh-ed25519")
	data, err := os.ReadFile(d.HostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	hostKey, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		t.Fatal(err)
	}
	hk := authLine(hostKey)
	other := authLine(newKey(t))
	port := d.Port
	ported := fmt.Sprintf("[127.0.0.1]:%d", port)
	cases := map[string][]string{
		"exact":               {ported + " " + hk},
		"hashed":              {HashName(ported) + " " + hk},
		"port-less same key":  {"127.0.0.1 " + hk},
		"port-less other key": {"127.0.0.1 " + other},
		"other port":          {"[127.0.0.1]:1 " + hk},
		"changed":             {ported + " " + other},
		"wildcard":            {"[127.0.0.*]:* " + hk},
		"negated":             {"[127.0.0.*]:*,!" + ported + " " + hk},
		"list":                {"[localhost]:1," + ported + " " + hk},
		"revoked":             {ported + " " + hk, "@revoked * " + hk},
		"ca only":             {"@cert-authority * " + hk},
		"empty":               {"# nothing"},
	}
	ssh := testenv.NeedCmd(t, "ssh")
	for name, lines := range cases {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "known_hosts")
			os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
			out, _ := exec.Command(ssh, "-F", "/dev/null", "-o", "StrictHostKeyChecking=yes",
				"-o", "UserKnownHostsFile="+file, "-o", "GlobalKnownHostsFile=/dev/null",
				"-o", "BatchMode=yes", "-o", "PubkeyAuthentication=no", "-o", "PasswordAuthentication=no",
				"-o", "KbdInteractiveAuthentication=no", "-o", "HostKeyAlgorithms=ssh-ed25519",
				"-p", fmt.Sprint(port), "nobody@127.0.0.1", "true").CombinedOutput()
			accepted := strings.Contains(string(out), "Permission denied")
			if !accepted && !strings.Contains(string(out), "Host key verification failed") {
				t.Fatalf("unexpected ssh output: %s", out)
			}
			db, err := Open(file)
			if err != nil {
				t.Fatal(err)
			}
			r := db.Check("127.0.0.1", port, hostKey)
			if (r.Status == Known) != accepted {
				t.Errorf("Check says %v, OpenSSH accepted=%v:\n%s", r.Status, accepted, out)
			}
		})
	}
}
