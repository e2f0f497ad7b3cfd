// sshbox: added to golang.org/x/crypto/ssh by scripts/xcrypto (see
// _xcrypto/README.md).

package ssh

import (
	"crypto/rand"
	"net"
	"testing"
)

// TestReadBufferSizes: a client's transport reads through clientReadBuffer,
// a server's through bufio's default (sshd keeps one per connection).
func TestReadBufferSizes(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if got := newTransport(a, rand.Reader, true).bufReader.Size(); got != clientReadBuffer {
		t.Errorf("client read buffer %d, want %d", got, clientReadBuffer)
	}
	if got := newTransport(b, rand.Reader, false).bufReader.Size(); got != 4096 {
		t.Errorf("server read buffer %d, want 4096", got)
	}
}
