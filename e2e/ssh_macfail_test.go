package e2e

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// corruptingRelay forwards one connection to target and flips a bit in
// the middle of the first encrypted server->client packet longer than
// 4 KiB: channel data, past every packet of the key exchange and the
// authentication (a loaded server sends its data in packets of whatever
// its pipe held, often less than the 32 KiB maximum). It follows the packets by their lengths, which
// travel in plaintext with an EtM MAC or AES-GCM (macLen: the MAC or tag
// size); it returns the relay's address.
func corruptingRelay(t *testing.T, target string, macLen int) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		s, err := net.Dial("tcp", target)
		if err != nil {
			return
		}
		defer s.Close()
		go io.Copy(s, c)
		read := func(n int) []byte {
			b := make([]byte, n)
			if _, err := io.ReadFull(s, b); err != nil {
				return nil
			}
			return b
		}
		for { // the server's version line
			b := read(1)
			if b == nil {
				return
			}
			c.Write(b)
			if b[0] == '\n' {
				break
			}
		}
		for { // plaintext packets up to the server's NEWKEYS
			h := read(6)
			if h == nil {
				return
			}
			body := read(int(binary.BigEndian.Uint32(h)) - 2)
			if body == nil {
				return
			}
			c.Write(append(h, body...))
			if h[5] == 21 {
				break
			}
		}
		corrupted := false
		for {
			h := read(4)
			if h == nil {
				return
			}
			n := binary.BigEndian.Uint32(h)
			body := read(int(n) + macLen)
			if body == nil {
				return
			}
			if !corrupted && n > 4<<10 {
				body[n/2] ^= 0x40
				corrupted = true
			}
			if _, err := c.Write(append(h, body...)); err != nil {
				return
			}
		}
	}()
	return l.Addr().String()
}

// TestSSHCorruptedMAC: a packet altered on the way ends ssh with status
// 255 and OpenSSH's words, the same as OpenSSH's ssh prints for the same
// corruption: "Corrupted MAC on input." for a MAC cipher, then the
// dispatcher's fatal line (an AEAD cipher gets only the latter).
func TestSSHCorruptedMAC(t *testing.T) {
	t.Parallel()
	e, d := openSSHEnv(t, "")
	for _, c := range []struct {
		algs   []string
		macLen int
		want   string
	}{
		{[]string{"Ciphers=aes128-ctr", "MACs=hmac-sha2-256-etm@openssh.com"}, 32,
			"Corrupted MAC on input.\nssh_dispatch_run_fatal: Connection to 127.0.0.1 port %d: message authentication code incorrect\n"},
		{[]string{"Ciphers=aes256-gcm@openssh.com"}, 16,
			"ssh_dispatch_run_fatal: Connection to 127.0.0.1 port %d: message authentication code incorrect\n"},
	} {
		run := func(bin string) (string, int) {
			relay := corruptingRelay(t, d.Addr, c.macLen)
			_, port, _ := net.SplitHostPort(relay)
			args := append(e.base(), "-o", "BatchMode=yes", "-o", "HostKeyAlias=[127.0.0.1]:"+fmt.Sprint(d.Port),
				"-o", "Port="+port)
			for _, a := range c.algs {
				args = append(args, "-o", a)
			}
			args = append(args, e.dest(), "head -c 1000000 /dev/zero")
			// -p from base() comes first and wins: drop it for the relay's.
			for i := range args {
				if args[i] == "-p" {
					args = append(args[:i], args[i+2:]...)
					break
				}
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = e.env()
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			// OpenSSH ends its log lines in CR LF even off a terminal;
			// sshbox in LF there.
			out := strings.ReplaceAll(stderr.String(), "\r\n", "\n")
			return strings.ReplaceAll(out, port, "%d"), testenv.ExitCode(err)
		}
		ours, status := run(testenv.Bin(t, "ssh"))
		theirs, theirStatus := run(testenv.NeedCmd(t, "ssh"))
		if theirs != c.want || theirStatus != 255 {
			t.Fatalf("%v: OpenSSH's ssh exit %d: %q, the test expects %q", c.algs, theirStatus, theirs, c.want)
		}
		if ours != theirs || status != 255 {
			t.Errorf("%v: sshbox ssh exit %d:\n%s\nOpenSSH's ssh:\n%s", c.algs, status, ours, theirs)
		}
	}
}
