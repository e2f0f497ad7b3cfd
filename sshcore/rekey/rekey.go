// Package rekey asks a connection for a key re-exchange: now (ssh's ~R
// escape) or when RekeyLimit's time has passed since the last one (client
// and server alike).
//
// x/crypto/ssh renews keys only after so much data and has no way to ask
// for an exchange; sshbox's builds add one (_xcrypto/ssh, which
// scripts/build, scripts/test and scripts/bench use). A plain `go build`
// lacks it: there Request reports false and Start refuses, so a time limit
// the configuration sets is never silently dropped.
package rekey

import (
	"errors"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// requester is the method _xcrypto/ssh/rekey_sshbox.go adds to x/crypto's
// connection.
type requester interface{ RequestKeyChange() bool }

// ErrUnsupported: this build's x/crypto cannot start a key exchange.
var ErrUnsupported = errors.New("this build of sshbox cannot start a key re-exchange (built without scripts/xcrypto)")

// Request starts a key re-exchange on conn and reports whether it could.
func Request(conn ssh.Conn) bool {
	r, ok := asRequester(conn)
	return ok && r.RequestKeyChange()
}

// asRequester finds x/crypto's connection in conn: a *ssh.ServerConn or
// *ssh.Client holds it as its embedded Conn, whose method set does not
// carry the added method.
func asRequester(conn ssh.Conn) (requester, bool) {
	switch c := conn.(type) {
	case *ssh.ServerConn:
		conn = c.Conn
	case *ssh.Client:
		conn = c.Conn
	}
	r, ok := conn.(requester)
	return r, ok
}

// Timer renews a connection's keys once Interval has passed since the last
// key exchange, whichever side started it, as OpenSSH's RekeyLimit time
// part does. It uses no goroutine while waiting (an idle sshd connection
// costs a few KiB). The zero Interval, and a nil *Timer, do nothing.
type Timer struct {
	Interval time.Duration

	mu   sync.Mutex
	t    *time.Timer
	conn ssh.Conn
	done bool
}

// New returns a Timer for interval, nil when interval is 0.
func New(interval time.Duration) *Timer {
	if interval <= 0 {
		return nil
	}
	return &Timer{Interval: interval}
}

// Exchanged records a key exchange (the first or a re-key): the interval
// starts again. Safe to call before Start (the first exchange) and after
// Stop.
func (t *Timer) Exchanged() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.t != nil && !t.done {
		t.t.Reset(t.Interval)
	}
}

// Start begins timing conn, whose first key exchange is complete. It fails
// when this build cannot start a key exchange.
func (t *Timer) Start(conn ssh.Conn) error {
	if t == nil {
		return nil
	}
	if _, ok := asRequester(conn); !ok {
		return ErrUnsupported
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done || t.t != nil {
		return nil
	}
	t.conn = conn
	t.t = time.AfterFunc(t.Interval, t.fire)
	return nil
}

// fire asks for the exchange; its completion calls Exchanged, which arms
// the timer again. Should the peer never answer, the connection is stuck
// in the exchange and nothing is left to time.
func (t *Timer) fire() {
	t.mu.Lock()
	conn, done := t.conn, t.done
	t.mu.Unlock()
	if !done {
		Request(conn)
	}
}

// Stop ends the timing (the connection closed).
func (t *Timer) Stop() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done = true
	if t.t != nil {
		t.t.Stop()
	}
}
