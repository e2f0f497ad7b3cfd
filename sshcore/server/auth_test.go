package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
)

type fakeMeta struct{ user string }

func (m fakeMeta) User() string          { return m.user }
func (m fakeMeta) SessionID() []byte     { return nil }
func (m fakeMeta) ClientVersion() []byte { return nil }
func (m fakeMeta) ServerVersion() []byte { return nil }
func (m fakeMeta) RemoteAddr() net.Addr  { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }
func (m fakeMeta) LocalAddr() net.Addr   { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22} }

// TestFailedKeyTiming: a key refused for an unknown user and for an
// existing one both take the padded time, so timing does not tell which
// names exist.
func TestFailedKeyTiming(t *testing.T) {
	c := &conn{srv: &Server{}, remoteIP: "127.0.0.1", remotePort: 1, config: func(configfmt.MatchConn) (*configfmt.ServerOptions, error) {
		return testOptions(), nil
	}}
	c.opts = testOptions()
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	key, _ := ssh.NewPublicKey(pub)
	for _, user := range []string{"root", "sbx-no-such-user"} {
		for i := 0; i < 3; i++ {
			start := time.Now()
			if _, err := c.publicKey(fakeMeta{user}, key); err == nil {
				t.Fatalf("%s: a random key was accepted", user)
			}
			// The floor is the property; the ceiling only catches a refusal
			// that hangs, with room for a loaded 2-core CI machine.
			if d := time.Since(start); d < 20*time.Millisecond || d > time.Second {
				t.Errorf("%s: refusal took %v, want the padded 20-25ms", user, d)
			}
		}
	}
}
