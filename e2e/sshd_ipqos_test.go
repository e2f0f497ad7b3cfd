package e2e

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSshdIPQoS: sshd marks a session's packets with IPQoS's bulk value,
// or its interactive one when the session has a terminal, as OpenSSH's
// sshd does with the same line (the kernel's view of the server's socket,
// through ss --tos).
func TestSshdIPQoS(t *testing.T) {
	ss := testenv.NeedCmd(t, "ss")
	const cfg = "IPQoS ef af11\n"
	box := testenv.StartSshbox(t, cfg)
	oss := testenv.StartOpenSSHD(t, cfg)
	type server struct {
		name string
		port int
		pub  string
	}
	servers := []server{{"sshbox", box.Port, box.HostKey + ".pub"}, {"OpenSSH", oss.Port, oss.HostKey + ".pub"}}
	for _, srv := range servers {
		e := newEnv(t, srv.port, srv.pub)
		for _, tc := range []struct {
			how  []string
			want string
		}{
			{[]string{e.dest(), "sleep", "30"}, "tos:0x28"},        // bulk: af11
			{[]string{"-tt", e.dest(), "sleep", "30"}, "tos:0xb8"}, // a terminal: ef
		} {
			args := append(append(e.base(), "-o", "BatchMode=yes", "-o", "IPQoS=none"), tc.how...)
			p := testenv.Start(t, testenv.NeedCmd(t, "ssh"), args...)
			var line string
			waitFor(t, srv.name+"'s session socket in ss", func() bool {
				out, _ := exec.Command(ss, "-Htn", "--tos", "sport", "=", fmt.Sprintf(":%d", srv.port)).Output()
				for _, l := range strings.Split(string(out), "\n") {
					if strings.Contains(l, "ESTAB") && strings.Contains(l, tc.want) {
						line = l
						return true
					}
				}
				return false
			})
			if !strings.Contains(line, tc.want) {
				t.Errorf("%s %q: %q, want %s", srv.name, tc.how, line, tc.want)
			}
			p.Kill()
			// Let the server see the client go before the next case.
			waitFor(t, "the connection to close", func() bool {
				out, _ := exec.Command(ss, "-Htn", "sport", "=", fmt.Sprintf(":%d", srv.port)).Output()
				return !strings.Contains(string(out), "ESTAB")
			})
		}
	}
}
