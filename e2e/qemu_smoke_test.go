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

// The embedded targets are run, not only built: each cross-built binary
// runs under qemu user emulation (Debian's qemu-user-static, called
// directly, so no binfmt registration is needed). The emulated ssh-keygen
// makes the host key, the emulated sshd serves OpenSSH's client, and the
// emulated ssh logs into OpenSSH's sshd.
func TestQemuSmoke(t *testing.T) {
	for _, tg := range []struct{ goarch, goarm, qemu string }{
		{"arm64", "", "qemu-aarch64-static"},
		{"arm", "7", "qemu-arm-static"},
		{"riscv64", "", "qemu-riscv64-static"},
	} {
		t.Run(tg.goarch, func(t *testing.T) {
			t.Parallel()
			qemu := testenv.NeedCmd(t, tg.qemu)
			// Not t.TempDir: its parent is 0700, and sshd runs this
			// binary again as the user to act for them (asuser).
			dir, err := os.MkdirTemp("", "sshbox-qemu-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			os.Chmod(dir, 0o755)
			bin := filepath.Join(dir, "sshbox")
			if err := testenv.Build(bin, tg.goarch, tg.goarm); err != nil {
				t.Fatal(err)
			}
			// Emulation is slow; these timeouts bound a hang, they do not
			// measure anything.
			emu := func(args ...string) *exec.Cmd {
				return exec.Command(qemu, append([]string{bin}, args...)...)
			}
			hostKey := filepath.Join(dir, "hostkey")
			if out, err := emu("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey).CombinedOutput(); err != nil {
				t.Fatalf("emulated ssh-keygen: %v\n%s", err, out)
			}

			u := testenv.NewUser(t, "")
			key := u.AuthorizeKey(t, "")
			port := testenv.FreePort(t)
			// The emulated sshd serves root, from a keys file of the
			// test's: for any other user it would run itself again as
			// that user (sshcore/asuser), and without binfmt_misc the
			// kernel cannot exec a foreign binary; on the board itself
			// it can, and the as-user helper is tested natively. StrictModes
			// is off because the keys file lies under /tmp (1777), which
			// OpenSSH refuses as well.
			pub, _ := os.ReadFile(key + ".pub")
			rootKeys := filepath.Join(dir, "root_keys")
			os.WriteFile(rootKeys, pub, 0o644)
			cfg := filepath.Join(dir, "sshd_config")
			os.WriteFile(cfg, []byte(fmt.Sprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s\nPidFile none\nAuthorizedKeysFile %s\nStrictModes no\n",
				port, hostKey, rootKeys)), 0o644)
			d := testenv.Start(t, qemu, bin, "sshd", "-D", "-e", "-f", cfg)
			testenv.WaitListening(t, d, 60*time.Second)
			args := append(testenv.SSHArgs(key, port, "root"), "uname -m; echo via-$USER")
			out, err := exec.Command(testenv.NeedCmd(t, "ssh"), args...).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "via-root") {
				t.Fatalf("OpenSSH's ssh into emulated sshd: %v\n%s\nlog:\n%s", err, out, d.Stderr.String())
			}

			o := testenv.StartOpenSSHD(t, "")
			args = append(testenv.SSHArgs(key, o.Port, u.Name), "echo from-$USER; exit 7")
			cmd := emu(append([]string{"ssh"}, args...)...)
			cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
			res := testenv.Run(t, cmd, "")
			if res.RC != 7 || !strings.Contains(res.Out, "from-"+u.Name) {
				t.Fatalf("emulated ssh into OpenSSH's sshd: status %d\nstdout: %s\nstderr: %s", res.RC, res.Out, res.Err)
			}
		})
	}
}
