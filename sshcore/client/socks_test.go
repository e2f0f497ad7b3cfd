package client

import (
	"bytes"
	"net"
	"testing"
)

// scriptConn replays a client's bytes and swallows the replies; reading
// past the script is EOF.
type scriptConn struct {
	net.Conn
	r *bytes.Reader
}

func (c *scriptConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *scriptConn) Write(p []byte) (int, error) { return len(p), nil }

func socksDest(t testing.TB, req []byte) (string, error) {
	c := &scriptConn{r: bytes.NewReader(req)}
	dest, err := socksHandshake(c)
	socksVersion.Delete(c)
	return dest, err
}

func TestSocksHandshake(t *testing.T) {
	for name, c := range map[string]struct {
		req  []byte
		want string
	}{
		"socks4":        {[]byte{4, 1, 0, 80, 10, 0, 0, 1, 'u', 0}, "10.0.0.1:80"},
		"socks4a":       {[]byte{4, 1, 1, 187, 0, 0, 0, 1, 0, 'e', 'x', '.', 'o', 'r', 'g', 0}, "ex.org:443"},
		"socks5 ipv4":   {[]byte{5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 22}, "127.0.0.1:22"},
		"socks5 domain": {[]byte{5, 1, 0, 5, 1, 0, 3, 4, 'h', 'o', 's', 't', 0x1f, 0x90}, "host:8080"},
	} {
		got, err := socksDest(t, c.req)
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, c.want)
		}
	}
	for name, req := range map[string][]byte{
		"bind":      {4, 2, 0, 80, 1, 2, 3, 4, 0},
		"version 6": {6, 1},
		"udp":       {5, 1, 0, 5, 3, 0, 1, 1, 2, 3, 4, 0, 1},
	} {
		if got, err := socksDest(t, req); err == nil {
			t.Errorf("%s accepted: %q", name, got)
		}
	}
}

func FuzzSocksHandshake(f *testing.F) {
	f.Add([]byte{4, 1, 0, 80, 10, 0, 0, 1, 'u', 0})
	f.Add([]byte{5, 1, 0, 5, 1, 0, 3, 4, 'h', 'o', 's', 't', 0x1f, 0x90})
	f.Add([]byte{5, 1, 0, 5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80})
	f.Fuzz(func(t *testing.T, req []byte) {
		dest, err := socksDest(t, req)
		if err == nil {
			if _, _, err := net.SplitHostPort(dest); err != nil {
				t.Fatalf("%x gave %q", req, dest)
			}
		}
	})
}
