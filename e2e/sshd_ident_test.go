package e2e

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"sshbox/internal/testenv"
	"sshbox/sshcore"
)

// TestSshdInetdBadIdentification: sshd -i given something that is not an
// SSH-2 identification line answers, logs and exits as OpenSSH's sshd -i:
// status 255, its one-line reply after the version line, its two log
// lines.
func TestSshdInetdBadIdentification(t *testing.T) {
	t.Parallel()
	cfg, hostKey, _ := testenv.SshboxConfig(t, "")
	run := func(prog string, args []string, input string) (string, string, int) {
		cmd := exec.Command(prog, args...)
		cmd.Stdin = strings.NewReader(input)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		// Past our own version line, which names the program.
		_, reply, _ := strings.Cut(out.String(), "\r\n")
		// OpenSSH ends its stderr lines with CR LF in this mode.
		return reply, strings.ReplaceAll(errb.String(), "\r\n", "\n"), testenv.ExitCode(err)
	}
	for _, input := range []string{"garbage\r\n", "SSH-1.5-OldClient\r\n", "GET / HTTP/1.0\r\n\r\n"} {
		wantReply, wantLog, wantCode := run(testenv.NeedCmd(t, "sshd"), []string{"-i", "-e", "-f", cfg, "-h", hostKey}, input)
		gotReply, gotLog, gotCode := run(testenv.Bin(t, "sshd"), []string{"-i", "-e", "-f", cfg}, input)
		if gotReply != wantReply || gotLog != wantLog || gotCode != wantCode {
			t.Errorf("%q: status %d, reply %q, log %q\nOpenSSH: status %d, reply %q, log %q", input, gotCode, gotReply, gotLog, wantCode, wantReply, wantLog)
		}
	}
}

// TestSshdVersionAddendum: VersionAddendum follows sshd's version in the
// identification line after a space, as OpenSSH 9.2's sshd sends it under
// the same line; none sends nothing more.
func TestSshdVersionAddendum(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ config, suffix string }{
		{"VersionAddendum Site 7 (managed)", " Site 7 (managed)"},
		{"VersionAddendum none", ""},
	} {
		box := testenv.StartSshbox(t, c.config)
		ossh := testenv.StartOpenSSHD(t, c.config)
		got, _ := greeting(t, box.Addr, "")
		want, _ := greeting(t, ossh.Addr, "")
		// Debian's OpenSSH says "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"
		// before the addendum.
		if got != sshcore.ProtocolVersion+c.suffix || !strings.HasPrefix(want, "SSH-2.0-OpenSSH_") ||
			!strings.HasSuffix(want, c.suffix) || c.suffix == "" && strings.Count(want, " ") != 1 {
			t.Errorf("%s: sshbox sent %q, OpenSSH %q", c.config, got, want)
		}
	}
}
