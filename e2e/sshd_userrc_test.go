package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"sshbox/internal/testenv"
)

// TestSshdUserRC: ~/.ssh/rc runs as the user, in the home directory, with
// the session's environment, before the command (its standard output goes
// to the session, as OpenSSH's does); not for subsystems, not with
// PermitUserRC no, not for a key with no-user-rc, not under ForceCommand.
// OpenSSH 9.2's sshd under the same configuration prints the same.
func TestSshdUserRC(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	plain := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	pub, _ := os.ReadFile(key + ".pub")
	plainPub, _ := os.ReadFile(plain + ".pub")
	u.WriteFile(t, ".ssh/authorized_keys", append(append([]byte{}, pub...), append([]byte("no-user-rc "), plainPub...)...), 0o600)
	u.WriteFile(t, ".ssh/rc", []byte("echo rc-stdout\necho \"$(id -un) $PWD ${SSH_CONNECTION:+conn}\" > rc-out\n"), 0o644)

	show := "cat rc-out 2>/dev/null || echo no-rc; rm -f rc-out"
	script := filepath.Join(sshdKeysDir(t), "probe")
	os.WriteFile(script, []byte("#!/bin/sh\n"+show+"\n"), 0o755)
	probe := "Subsystem probe " + script + "\n"
	want := "rc-stdout\n" + u.Name + " " + u.Home + " conn\n"
	run := func(port int, k string, args ...string) string {
		t.Helper()
		cmd := exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(k, port, u.Name), args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("ssh %v: %v", args, err)
		}
		return string(out)
	}
	for _, c := range []struct {
		what, config, key string
		args              []string
		want              string
	}{
		{"exec", probe, key, []string{show}, want},
		{"subsystem", probe, key, []string{"-s", "probe"}, "no-rc\n"},
		{"no-user-rc", probe, plain, []string{show}, "no-rc\n"},
		{"PermitUserRC no", probe + "PermitUserRC no\n", key, []string{show}, "no-rc\n"},
		{"ForceCommand", probe + "ForceCommand " + show + "\n", key, []string{"true"}, "no-rc\n"},
	} {
		box := testenv.StartSshbox(t, c.config)
		ossh := testenv.StartOpenSSHD(t, c.config)
		if got := run(box.Port, c.key, c.args...); got != c.want {
			t.Errorf("sshbox, %s: %q, want %q\n%s", c.what, got, c.want, box.Proc.Stderr.String())
		}
		if got := run(ossh.Port, c.key, c.args...); got != c.want {
			t.Errorf("OpenSSH, %s: %q, want %q", c.what, got, c.want)
		}
	}
}

// TestSshdChrootRC: under ChrootDirectory the rc file is the jail's own
// /etc/ssh/sshrc, run inside the jail as the user before the command.
func TestSshdChrootRC(t *testing.T) {
	t.Parallel()
	jail := rootJail(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	copyWithLibs(t, jail, "/bin/sh")
	os.MkdirAll(filepath.Join(jail, "etc/ssh"), 0o755)
	os.WriteFile(filepath.Join(jail, "etc/ssh/sshrc"), []byte("cd /; echo \"jail rc in $PWD\"; echo *\n"), 0o644)
	d := testenv.StartSshbox(t, "Match User "+u.Name+"\n  ChrootDirectory "+jail)
	out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo command")
	if code != 0 || out != "jail rc in /\nbin etc lib lib64\ncommand\n" && out != "jail rc in /\nbin etc lib\ncommand\n" {
		t.Errorf("status %d, stdout %q, stderr %q\n%s", code, out, errOut, d.Proc.Stderr.String())
	}
}
