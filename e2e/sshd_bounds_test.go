package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
)

// floodBound is what one authenticated client flooding sshd with large
// requests may add to the daemon's resident memory (docs/sshd.md,
// "Limits"): the pending data of its MaxSessions channels (2 MiB each,
// x/crypto's window) and the garbage the Go heap holds before it is
// collected, not the requests themselves.
const floodBound = 64 << 20

// rss is the daemon's resident set size in bytes (VmRSS).
func rss(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}

// TestSshdBoundsFlood: an authenticated client sends thousands of large
// env, pty-req, channel-open and global requests, fills every session
// channel's window with data nobody reads and asks for more remote
// forwardings than allowed. The daemon's memory stays within floodBound
// of what it was, and another user's connection still runs commands.
func TestSshdBoundsFlood(t *testing.T) {
	attacker, victim := testenv.NewUser(t, ""), testenv.NewUser(t, "")
	akey, vkey := attacker.AuthorizeKey(t, ""), victim.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "AcceptEnv *\nLogLevel INFO")
	pid := d.Proc.Cmd.Process.Pid

	vc, err := ssh.Dial("tcp", d.Addr, keyClient(t, victim.Name, vkey))
	if err != nil {
		t.Fatal(err)
	}
	defer vc.Close()
	if out, err := runOn(vc, "echo before"); err != nil || out != "before\n" {
		t.Fatalf("victim before the flood: %q %v", out, err)
	}
	c, err := ssh.Dial("tcp", d.Addr, keyClient(t, attacker.Name, akey))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	before := rss(t, pid)

	big := strings.Repeat("A", 40<<10)
	var sessions []ssh.Channel
	for i := 0; ; i++ {
		ch, reqs, err := c.OpenChannel("session", nil)
		if err != nil {
			break // MaxSessions
		}
		go ssh.DiscardRequests(reqs)
		sessions = append(sessions, ch)
	}
	if len(sessions) != 10 {
		t.Fatalf("%d sessions open, want MaxSessions (10)", len(sessions))
	}
	// 3000 env requests of 40 KiB: what grew the daemon by 130 MB.
	for i := 0; i < 3000; i++ {
		sessions[i%len(sessions)].SendRequest("env", true, ssh.Marshal(struct{ Name, Value string }{fmt.Sprintf("V%d", i), big}))
	}
	// pty-req with a large terminal-mode string, over and over.
	for i := 0; i < 2000; i++ {
		sessions[i%len(sessions)].SendRequest("pty-req", true, ssh.Marshal(struct {
			Term             string
			Cols, Rows, W, H uint32
			Modes            string
		}{"xterm", 80, 24, 0, 0, big}))
	}
	// Channel opens past MaxSessions and of unknown types, with payloads.
	for i := 0; i < 3000; i++ {
		typ := "session"
		if i%2 == 1 {
			typ = "x-flood@example.com"
		}
		if ch, _, err := c.OpenChannel(typ, []byte(big)); err == nil {
			t.Fatalf("channel %d (%s) accepted", i, typ)
			ch.Close()
		}
	}
	// Global requests, unknown ones and more forwardings than allowed.
	for i := 0; i < 3000; i++ {
		c.SendRequest("x-flood@example.com", true, []byte(big))
	}
	forwards := 0
	for i := 0; i < 200; i++ {
		if ok, _, _ := c.SendRequest("tcpip-forward", true, ssh.Marshal(struct {
			Addr string
			Port uint32
		}{"127.0.0.1", 0})); ok {
			forwards++
		}
	}
	if forwards != 64 {
		t.Errorf("%d remote forwardings granted, want the limit, 64", forwards)
	}
	// Data no command reads: x/crypto holds up to one window per channel.
	chunk := make([]byte, 32<<10)
	for _, ch := range sessions {
		for n := 0; n < 2<<20; n += len(chunk) {
			if _, err := ch.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
	}
	if out, err := runOn(vc, "echo after"); err != nil || out != "after\n" {
		t.Fatalf("victim during the flood: %q %v", out, err)
	}
	after := rss(t, pid)
	t.Logf("daemon VmRSS %d KiB before, %d KiB after the flood (%+d KiB)", before>>10, after>>10, (after-before)>>10)
	if after-before > floodBound {
		t.Errorf("daemon grew by %d KiB, bound %d KiB", (after-before)>>10, floodBound>>10)
	}
	log := d.Proc.Stderr.String()
	if n := strings.Count(log, "\n"); n > 100 {
		t.Errorf("the flood wrote %d log lines", n)
	}
}
