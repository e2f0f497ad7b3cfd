package idle

import (
	"bytes"
	"io"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestCounts(t *testing.T) {
	for req, want := range map[string]bool{
		"keepalive@openssh.com": false, "keepalive@example.org": false, "ping": false,
		"tcpip-forward": true, "cancel-tcpip-forward": true, "hostkeys-00@openssh.com": true, "no-more-sessions@openssh.com": true,
	} {
		if got := Counts(req); got != want {
			t.Errorf("Counts(%q) = %v, want %v", req, got, want)
		}
	}
}

// fakeChannel is an ssh.Channel whose both streams are a buffer.
type fakeChannel struct {
	ssh.Channel
	buf bytes.Buffer
}

func (f *fakeChannel) Read(p []byte) (int, error)  { return f.buf.Read(p) }
func (f *fakeChannel) Write(p []byte) (int, error) { return f.buf.Write(p) }
func (f *fakeChannel) Stderr() io.ReadWriter       { return &f.buf }
func (f *fakeChannel) CloseWrite() error           { return nil }
func (f *fakeChannel) Close() error                { return nil }
func (f *fakeChannel) SendRequest(string, bool, []byte) (bool, error) {
	return true, nil
}

// TestChannel: data either way, on either stream, is reported as data;
// requests, EOF and close as the rest; an empty read as nothing.
func TestChannel(t *testing.T) {
	var data, other int
	c := &Channel{Channel: &fakeChannel{}, Touch: func(d bool) {
		if d {
			data++
		} else {
			other++
		}
	}}
	c.Write([]byte("ab"))
	c.Read(make([]byte, 1))
	c.Stderr().Write([]byte("c"))
	c.Stderr().Read(make([]byte, 8))
	c.Read(make([]byte, 8)) // empty: EOF, not traffic
	if data != 4 || other != 0 {
		t.Errorf("after the data: %d data, %d other touches; want 4, 0", data, other)
	}
	c.SendRequest("exit-status", false, nil)
	c.CloseWrite()
	c.Close()
	if data != 4 || other != 3 {
		t.Errorf("after request, EOF and close: %d data, %d other touches; want 4, 3", data, other)
	}
}
