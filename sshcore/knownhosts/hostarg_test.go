package knownhosts

import (
	"strings"
	"testing"
)

func TestParseHostPort(t *testing.T) {
	for _, c := range []struct {
		in   string
		host string
		port int
		bad  bool
	}{
		{"example.com", "example.com", 22, false},
		{"help", "help", 22, false},
		{"[example.com]:2222", "example.com", 2222, false},
		{"[::1]:22", "::1", 22, false},
		{"[h]", "h", 22, false},
		{"::1", "::1", 22, false},
		{"[myhost:22", "", 0, true},
		{"[myhost]x", "", 0, true},
		{"[myhost]:0", "", 0, true},
		{"[myhost]:65536", "", 0, true},
		{"[myhost]:+22", "", 0, true},
		{"[]:22", "", 0, true},
		{"a,b", "", 0, true},
		{"my]host", "", 0, true},
		{"", "", 0, true},
	} {
		h, p, err := ParseHostPort(c.in)
		if (err != nil) != c.bad || h != c.host || p != c.port {
			t.Errorf("ParseHostPort(%q) = %q %d %v", c.in, h, p, err)
		}
	}
}

func FuzzParseHostPort(f *testing.F) {
	for _, s := range []string{"h", "[h]:22", "[h", "[::1]:2222", "[h]:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, p, err := ParseHostPort(s)
		if err != nil {
			return
		}
		// What it accepts, known_hosts writes and reads back the same
		// (host names in lower case, as OpenSSH writes them).
		h2, p2 := SplitHostPort(HostPattern(h, p))
		if h2 != strings.ToLower(h) || p2 != p {
			t.Fatalf("%q: parsed %q %d, known_hosts form %q reads back %q %d", s, h, p, HostPattern(h, p), h2, p2)
		}
	})
}
