package sshkeygen

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestAskpass: with SSH_ASKPASS_REQUIRE=force (or DISPLAY set and no
// terminal) the passphrases come from SSH_ASKPASS, asked with OpenSSH's
// prompts in OpenSSH's order, for a new key and for -p; the key then opens
// with that passphrase in OpenSSH's ssh-keygen.
func TestAskpass(t *testing.T) {
	t.Parallel()
	for _, env := range [][]string{{"SSH_ASKPASS_REQUIRE=force"}, {"DISPLAY=:99"}} {
		var logs [2]string
		for i, prog := range []string{testenv.Bin(t, "ssh-keygen"), testenv.NeedCmd(t, "ssh-keygen")} {
			dir := t.TempDir()
			log := filepath.Join(dir, "log")
			script := filepath.Join(dir, "askpass")
			os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" >> "+log+"\necho secret12\n"), 0o755)
			key := filepath.Join(dir, "key")
			run := func(args ...string) {
				cmd := exec.Command(prog, args...)
				cmd.Env = append(os.Environ(), "SSH_ASKPASS="+script)
				cmd.Env = append(cmd.Env, env...)
				cmd.SysProcAttr = noTTY()
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s %q with %v: %v\n%s", prog, args, env, err, out)
				}
			}
			run("-q", "-t", "ed25519", "-f", key)
			must(t, ossh(t, "-y", "-P", "secret12", "-f", key), "OpenSSH opens the key")
			run("-p", "-f", key)
			data, _ := os.ReadFile(log)
			logs[i] = strings.ReplaceAll(string(data), key, "KEY")
		}
		if logs[0] != logs[1] || logs[0] == "" {
			t.Errorf("%v: asked\n%s\nOpenSSH asked\n%s", env, logs[0], logs[1])
		}
	}
}
