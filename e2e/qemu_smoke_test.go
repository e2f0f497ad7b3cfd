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
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range []struct{ goarch, goarm, qemu string }{
		{"arm64", "", "qemu-aarch64-static"},
		{"arm", "7", "qemu-arm-static"},
		{"riscv64", "", "qemu-riscv64-static"},
	} {
		t.Run(tg.goarch, func(t *testing.T) {
			t.Parallel()
			qemu := testenv.NeedCmd(t, tg.qemu)
			dir := t.TempDir()
			os.Chmod(dir, 0o755)
			bin := filepath.Join(dir, "sshbox")
			build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
			build.Dir = root
			build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+tg.goarch, "GOARM="+tg.goarm)
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build for %s: %v\n%s", tg.goarch, err, out)
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
			cfg := filepath.Join(dir, "sshd_config")
			os.WriteFile(cfg, []byte(fmt.Sprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s\nPidFile none\n", port, hostKey)), 0o644)
			d := testenv.Start(t, qemu, bin, "sshd", "-D", "-e", "-f", cfg)
			deadline := time.Now().Add(60 * time.Second)
			for !strings.Contains(d.Stderr.String(), "Server listening on") {
				select {
				case <-d.Done():
					t.Fatalf("emulated sshd exited: %s", d.Stderr.String())
				default:
				}
				if time.Now().After(deadline) {
					t.Fatalf("emulated sshd does not listen: %s", d.Stderr.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			args := append(testenv.SSHArgs(key, port, u.Name), "uname -m; echo via-$USER")
			out, err := exec.Command(testenv.NeedCmd(t, "ssh"), args...).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "via-"+u.Name) {
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
