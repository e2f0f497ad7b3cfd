package configfmt

import (
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

// TestRekeyLimitTimeRefused: x/crypto cannot renew keys on a timer, so a
// RekeyLimit time part is refused (client and server) with file:line;
// none, 0 and default still load.
func TestRekeyLimitTimeRefused(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sshd_config")
	for text, ok := range map[string]bool{
		"RekeyLimit 1G 1h\n": false, "RekeyLimit default 30\n": false,
		"RekeyLimit 1G none\n": true, "RekeyLimit 1G 0\n": true, "RekeyLimit default none\n": true, "RekeyLimit 512M\n": true,
	} {
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadServer(p, nil)
		if ok != (err == nil) || !ok && !strings.Contains(err.Error(), "sshd_config:1: RekeyLimit: a time limit") {
			t.Errorf("sshd %q: %v", text, err)
		}
		if _, err := nRekeyLimit(strings.Fields(text)[1:]); ok != (err == nil) {
			t.Errorf("ssh %q: %v", text, err)
		}
	}
}
