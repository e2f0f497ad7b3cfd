package server

import (
	"net"
	"strconv"
	"testing"
)

func TestXauthValid(t *testing.T) {
	for s, want := range map[string]bool{
		"MIT-MAGIC-COOKIE-1":               true,
		"0123456789abcdef":                 true,
		"unix:10.0":                        true,
		"a/b_c.d":                          true,
		"":                                 true,
		"abc\nadd evil":                    false,
		"abc def":                          false,
		"abc;rm":                           false,
		"caf\u00e9":                        false,
		"MIT-MAGIC-COOKIE-1\x00":           false,
		"0123456789abcdef\r":               false,
		"$(touch /tmp/x11-xauth-injected)": false,
	} {
		if got := xauthValid(s); got != want {
			t.Errorf("xauthValid(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestListenX11SkipsBusyDisplays: a display whose port is taken on the
// loopback address is passed over for the next one.
func TestListenX11SkipsBusyDisplays(t *testing.T) {
	// Find two free displays in a row from a high offset, then hold the
	// first one's port.
	for offset := 3000; offset < 3100; offset++ {
		busy, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(6000+offset))
		if err != nil {
			continue
		}
		ls, n, err := listenX11(offset, true, "inet")
		busy.Close()
		if err != nil {
			t.Fatal(err)
		}
		closeListeners(ls)
		if n <= offset {
			t.Fatalf("display %d with %d's port taken", n, offset)
		}
		for _, l := range ls {
			if a := l.Addr().(*net.TCPAddr); !a.IP.IsLoopback() || a.Port != 6000+n {
				t.Errorf("listening on %v for display %d", a, n)
			}
		}
		return
	}
	t.Fatal("no free port from 9000 to 9099")
}
