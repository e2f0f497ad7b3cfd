package connend

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// disconnectErr has the text of x/crypto's disconnectMsg error, whose type
// is unexported.
func disconnectErr(reason uint32, msg string) error {
	return fmt.Errorf("ssh: disconnect, reason %d: %q", reason, msg)
}

func TestDisconnect(t *testing.T) {
	for _, tc := range []struct {
		err    error
		reason uint64
		desc   string
		ok     bool
	}{
		{disconnectErr(11, "disconnected by user"), 11, "disconnected by user", true},
		{fmt.Errorf("wrapped: %w", disconnectErr(2, "bad\x00tail")), 2, "bad", true},
		{disconnectErr(14, strings.Repeat("x", 500)), 14, strings.Repeat("x", 400), true},
		{errors.New("EOF"), 0, "", false},
		{errors.New("ssh: disconnect, reason x: \"y\""), 0, "", false},
		{nil, 0, "", false},
	} {
		reason, desc, ok := Disconnect(tc.err)
		if reason != tc.reason || desc != tc.desc || ok != tc.ok {
			t.Errorf("Disconnect(%v) = %d, %q, %v; want %d, %q, %v", tc.err, reason, desc, ok, tc.reason, tc.desc, tc.ok)
		}
	}
}

func TestNegotiation(t *testing.T) {
	for what, want := range map[string]string{
		"key exchange":                 "no matching key exchange method found. Their offer: a,b",
		"host key":                     "no matching host key type found. Their offer: a,b",
		"client to server cipher":      "no matching cipher found. Their offer: a,b",
		"server to client MAC":         "no matching MAC found. Their offer: a,b",
		"client to server compression": "no matching compression method found. Their offer: a,b",
	} {
		err := fmt.Errorf("wrapped: %w", &ssh.AlgorithmNegotiationError{What: what, RequestedAlgorithms: []string{"a", "b"}, SupportedAlgorithms: []string{"c"}})
		if got, ok := Negotiation(err); !ok || got != want {
			t.Errorf("Negotiation(%s) = %q, %v; want %q", what, got, ok, want)
		}
	}
	if _, ok := Negotiation(errors.New("ssh: no common algorithm for key exchange")); ok {
		t.Error("Negotiation took a plain error")
	}
}

func FuzzDisconnect(f *testing.F) {
	f.Add("ssh: disconnect, reason 11: \"disconnected by user\"")
	f.Add("ssh: disconnect, reason 4294967296: \"x\"")
	f.Add("ssh: disconnect, reason 2: \"\\x00\"")
	f.Fuzz(func(t *testing.T, s string) {
		_, desc, ok := Disconnect(errors.New(s))
		if !ok && desc != "" || len(desc) > 400 || strings.IndexByte(desc, 0) >= 0 {
			t.Fatalf("Disconnect(%q) gave %q, %v", s, desc, ok)
		}
	})
}

// fakeConn is an ssh.Conn whose Disconnect blocks until released, or
// records what it was asked to send.
type fakeConn struct {
	ssh.Conn
	block          chan struct{}
	reason         uint32
	message        string
	closed         chan struct{}
	disconnectDone chan struct{}
}

func (f *fakeConn) Disconnect(reason uint32, message string) error {
	defer close(f.disconnectDone)
	if f.block != nil {
		<-f.block
	}
	f.reason, f.message = reason, message
	return nil
}

func (f *fakeConn) Close() error { close(f.closed); return nil }

func TestLeave(t *testing.T) {
	f := &fakeConn{closed: make(chan struct{}), disconnectDone: make(chan struct{})}
	if err := Leave(f); err != nil {
		t.Fatal(err)
	}
	<-f.disconnectDone
	if f.reason != ByApplication || f.message != "disconnected by user" {
		t.Errorf("sent %d %q", f.reason, f.message)
	}

	// A disconnect that cannot be written gives way to a plain close.
	stuck := &fakeConn{block: make(chan struct{}), closed: make(chan struct{}), disconnectDone: make(chan struct{})}
	defer close(stuck.block)
	Leave(stuck)
	select {
	case <-stuck.closed:
	default:
		t.Error("Leave returned without closing a connection whose disconnect hung")
	}
}
