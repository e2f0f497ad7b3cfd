package configfmt

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestChannelIdleTimeout: ChannelTimeout's first matching pattern decides,
// wildcards never stand for "global", 0 and none disable, a bad pair is an
// error naming it; UnusedConnectionTimeout takes a time or none; sshd -T
// prints both as OpenSSH does.
func TestChannelIdleTimeout(t *testing.T) {
	dir := t.TempDir()
	load := func(text string) (*ServerOptions, error) {
		p := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadServer(p, nil)
		if err != nil {
			return nil, err
		}
		return c.For(MatchConn{User: "u"})
	}
	o, err := load("ChannelTimeout session=5m direct-*=0 *=1h30s global=10\nUnusedConnectionTimeout 2m\n")
	if err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string]time.Duration{
		"session": 5 * time.Minute, "direct-tcpip": 0, "direct-streamlocal@openssh.com": 0,
		"forwarded-tcpip": time.Hour + 30*time.Second, "global": 10 * time.Second,
	} {
		if got := o.ChannelIdleTimeout(typ); got != want {
			t.Errorf("%s: %v, want %v", typ, got, want)
		}
	}
	if o.UnusedConnectionTimeout != 2*time.Minute {
		t.Errorf("UnusedConnectionTimeout %v", o.UnusedConnectionTimeout)
	}
	var b strings.Builder
	o.WriteT(&b)
	for _, want := range []string{"\nchanneltimeout session=5m direct-*=0 *=1h30s global=10\n", "\nunusedconnectiontimeout 120\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("sshd -T lacks %q", want)
		}
	}
	if o, err = load("ChannelTimeout *=1m\nUnusedConnectionTimeout none\n"); err != nil {
		t.Fatal(err)
	} else if o.ChannelIdleTimeout("global") != 0 || o.ChannelIdleTimeout("x11-connection") != time.Minute || o.UnusedConnectionTimeout != 0 {
		t.Errorf("*=1m: global %v, x11 %v, unused %v", o.ChannelIdleTimeout("global"), o.ChannelIdleTimeout("x11-connection"), o.UnusedConnectionTimeout)
	}
	if o, err = load("ChannelTimeout none\n"); err != nil || len(o.ChannelTimeout) != 0 {
		t.Errorf("none: %v %v", o, err)
	}
	for _, bad := range []string{"ChannelTimeout session\n", "ChannelTimeout session=5x\n", "ChannelTimeout =5\n", "UnusedConnectionTimeout soon\n"} {
		if _, err := load(bad); err == nil || !strings.Contains(err.Error(), "sshd_config:1") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestRekeyLimitTime: RekeyLimit's time part loads on both sides (keys
// renewed on a timer, sshcore/rekey), is printed in seconds as OpenSSH's
// -G and -T print it, and a bad one is an error with file:line.
func TestRekeyLimitTime(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sshd_config")
	for text, want := range map[string]struct {
		printed string
		bytes   uint64
		secs    time.Duration
	}{
		"RekeyLimit 1G 1h\n":        {"1073741824 3600", 1 << 30, time.Hour},
		"RekeyLimit default 30\n":   {"0 30", 0, 30 * time.Second},
		"RekeyLimit 1G none\n":      {"1073741824 0", 1 << 30, 0},
		"RekeyLimit 1G 0\n":         {"1073741824 0", 1 << 30, 0},
		"RekeyLimit default none\n": {"0 0", 0, 0},
		"RekeyLimit 512M\n":         {"536870912 0", 512 << 20, 0},
		"RekeyLimit 1M 1m30s\n":     {"1048576 90", 1 << 20, 90 * time.Second},
	} {
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadServer(p, nil)
		if err != nil {
			t.Errorf("sshd %q: %v", text, err)
			continue
		}
		o, err := c.For(MatchConn{})
		if err != nil {
			t.Fatal(err)
		}
		if o.RekeyLimit != want.printed || o.RekeyBytes() != want.bytes || o.RekeyInterval() != want.secs {
			t.Errorf("sshd %q: %q, %d bytes, %v; want %+v", text, o.RekeyLimit, o.RekeyBytes(), o.RekeyInterval(), want)
		}
		v, err := nRekeyLimit(strings.Fields(text)[1:])
		co := &ClientOptions{RekeyLimit: v}
		if err != nil || v != want.printed || co.RekeyBytes() != want.bytes || co.RekeyInterval() != want.secs {
			t.Errorf("ssh %q: %q %v", text, v, err)
		}
	}
	for _, bad := range []string{"RekeyLimit 1G 1x\n", "RekeyLimit 1G -5\n", "RekeyLimit 1G 1h extra\n"} {
		if err := os.WriteFile(p, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadServer(p, nil); err == nil || !strings.Contains(err.Error(), "sshd_config:1: ") {
			t.Errorf("sshd %q: %v", bad, err)
		}
	}
}

// TestClientChannelTimeout: ssh_config's ChannelTimeout reads as sshd's
// (the same pairs, "global" never matched by a wildcard, none), the first
// value obtained wins across Host and Match blocks, it is acted on (no
// warning), ssh -G prints it once set, and a bad pair is an error with
// file:line, in a block that does not apply too.
func TestClientChannelTimeout(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "config", `Host fwd
  ChannelTimeout direct-tcpip=3 forwarded-*=1m global=90
Match host sess*
  ChannelTimeout session=5m *=0
Host *
  ChannelTimeout *=1h
`)
	for _, tc := range []struct {
		host string
		want map[string]time.Duration
		line string
	}{
		{"fwd", map[string]time.Duration{"direct-tcpip": 3 * time.Second, "forwarded-tcpip": time.Minute,
			"forwarded-streamlocal@openssh.com": time.Minute, "session": 0, "global": 90 * time.Second},
			"channeltimeout direct-tcpip=3 forwarded-*=1m global=90"},
		{"session1", map[string]time.Duration{"session": 5 * time.Minute, "x11-connection": 0, "global": 0},
			"channeltimeout session=5m *=0"},
		{"other", map[string]time.Duration{"session": time.Hour, "agent-connection": time.Hour, "global": 0},
			"channeltimeout *=1h"},
	} {
		o, err := LoadClient([]string{p}, nil, tc.host, "")
		if err != nil {
			t.Fatal(err)
		}
		for typ, want := range tc.want {
			if got := o.ChannelIdleTimeout(typ); got != want {
				t.Errorf("%s: %s %v, want %v", tc.host, typ, got, want)
			}
		}
		if len(o.Warnings) != 0 {
			t.Errorf("%s: warnings %q", tc.host, o.Warnings)
		}
		var b strings.Builder
		if err := o.WriteG(&b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "\n"+tc.line+"\n") {
			t.Errorf("%s: ssh -G lacks %q", tc.host, tc.line)
		}
	}

	// -o comes first; none there leaves no limit and no -G line.
	o, err := LoadClient([]string{p}, []string{"ChannelTimeout none"}, "fwd", "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	o.WriteG(&b)
	if o.ChannelIdleTimeout("direct-tcpip") != 0 || strings.Contains(b.String(), "channeltimeout") {
		t.Errorf("-o ChannelTimeout=none: %v, -G %q", o.ChannelTimeout, b.String())
	}
	if o, err = LoadClient(nil, []string{"ChannelTimeout=session=2"}, "h", ""); err != nil || o.ChannelIdleTimeout("session") != 2*time.Second {
		t.Errorf("-o ChannelTimeout=session=2: %v %v", o, err)
	}

	for i, bad := range []string{"ChannelTimeout session", "ChannelTimeout session=5x", "ChannelTimeout =5", "ChannelTimeout none session=1", "ChannelTimeout"} {
		p := writeFile(t, dir, fmt.Sprintf("bad%d", i), "Host nomatch\n  Port 22\n"+"Host elsewhere\n  "+bad+"\n")
		if _, err := LoadClient([]string{p}, nil, "h", ""); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("bad%d:4", i)) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
