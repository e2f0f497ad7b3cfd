package configfmt

import (
	"strconv"
	"strings"
	"testing"
)

func TestParsePermitEntry(t *testing.T) {
	type hp struct {
		host string
		port int
	}
	for _, c := range []struct {
		in     string
		listen bool
		want   hp
	}{
		{"host:80", false, hp{"host", 80}},
		{"*:80", false, hp{"*", 80}},
		{"10.0.0.1:*", false, hp{"10.0.0.1", PermitAnyPort}},
		{"[::1]:22", false, hp{"::1", 22}},
		{"8080", true, hp{"*", 8080}},
		{"localhost:8080", true, hp{"localhost", 8080}},
		{"*", true, hp{"*", PermitAnyPort}},
	} {
		h, p, err := ParsePermitEntry(c.in, c.listen)
		if err != nil || (hp{h, p}) != c.want {
			t.Errorf("%q (listen %v): %q %d %v, want %v", c.in, c.listen, h, p, err, c.want)
		}
	}
	for _, bad := range []string{"host", ":80", "host:0", "host:65536", "host:+80", "host:x", "[::1]22", "[::1]", "8080", "host:"} {
		if _, _, err := ParsePermitEntry(bad, false); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPermitOpenConfig(t *testing.T) {
	// Given as -o overrides: each is one sshd_config line.
	for _, c := range []struct {
		line string
		ok   bool
	}{
		{"PermitOpen any", true}, {"PermitOpen none", true}, {"PermitOpen a:1 [::1]:2 *:3 b:*", true},
		{"PermitOpen any a:1", false}, {"PermitOpen a", false}, {"PermitOpen a:0", false},
		{"PermitListen 80 host:81 *:*", true}, {"PermitListen none 80", false}, {"PermitListen host:x", false},
		{"StreamLocalBindMask 0022", true}, {"StreamLocalBindMask 0999", false},
	} {
		_, err := LoadServer("/dev/null", []string{c.line})
		if (err == nil) != c.ok {
			t.Errorf("%q: %v", c.line, err)
		}
	}
}

// FuzzParsePermitEntry: never a panic; what is accepted has a host and a
// port in range, and reads back the same.
func FuzzParsePermitEntry(f *testing.F) {
	for _, s := range []string{"host:80", "*:*", "[::1]:22", "8080", "a:b:c", "[", "[]:1", ":", "x:65536"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, listen bool) {
		h, p, err := ParsePermitEntry(s, listen)
		if err != nil {
			return
		}
		if h == "" || p != PermitAnyPort && (p < 1 || p > 65535) {
			t.Fatalf("%q: host %q port %d", s, h, p)
		}
		if strings.Contains(h, "]") {
			return // cannot be bracketed; OpenSSH takes such hosts as they are too
		}
		ps := "*"
		if p != PermitAnyPort {
			ps = strconv.Itoa(p)
		}
		h2, p2, err := ParsePermitEntry("["+h+"]:"+ps, false)
		if err != nil || h2 != h || p2 != p {
			t.Fatalf("%q: %q %d does not read back: %q %d %v", s, h, p, h2, p2, err)
		}
	})
}
