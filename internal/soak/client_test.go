package soak

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/ssh"
)

// server is a minimal x/crypto SSH server: it accepts one client key, and
// answers "exec true" with status 0 and any other command with 1. It
// counts the session channels open at the moment.
type server struct {
	addr     string
	hostKey  ssh.PublicKey
	sessions atomic.Int64
	wg       sync.WaitGroup
}

func newSigner(t *testing.T) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func startServer(t *testing.T, client ssh.PublicKey) *server {
	t.Helper()
	host := newSigner(t)
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if !bytes.Equal(k.Marshal(), client.Marshal()) {
				return nil, net.ErrClosed
			}
			return nil, nil
		},
	}
	cfg.AddHostKey(host)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{addr: l.Addr().String(), hostKey: host.PublicKey()}
	t.Cleanup(func() { l.Close(); s.wg.Wait() })
	s.wg.Go(func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(nc, cfg) })
		}
	})
	return s
}

func (s *server) serve(nc net.Conn, cfg *ssh.ServerConfig) {
	defer nc.Close()
	conn, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	defer conn.Close()
	go ssh.DiscardRequests(reqs)
	for nch := range chans {
		// Counted before the client can see the confirmation, so the
		// count is exact once the client's NewSession has returned.
		s.sessions.Add(1)
		ch, creqs, err := nch.Accept()
		if err != nil {
			s.sessions.Add(-1)
			return
		}
		go func() {
			defer s.sessions.Add(-1)
			for r := range creqs {
				if r.Type != "exec" {
					r.Reply(false, nil)
					continue
				}
				r.Reply(true, nil)
				status := []byte{0, 0, 0, 1}
				if string(r.Payload[4:]) == "true" {
					status[3] = 0
				}
				ch.SendRequest("exit-status", false, status)
				ch.Close()
			}
		}()
	}
}

func TestSequential(t *testing.T) {
	key := newSigner(t)
	s := startServer(t, key.PublicKey())
	tg := &Target{Addr: s.addr, User: "u", Key: key, HostKey: s.hostKey}
	if failed, err := tg.Sequential(5, "true"); failed != 0 {
		t.Fatalf("true: %d failed: %v", failed, err)
	}
	if failed, err := tg.Sequential(3, "false"); failed != 3 || err == nil {
		t.Fatalf("false: %d of 3 failed (%v), want all", failed, err)
	}
	// Another host key is refused, as a soak against the wrong server
	// must not count as a pass.
	other := &Target{Addr: s.addr, User: "u", Key: key, HostKey: newSigner(t).PublicKey()}
	if failed, _ := other.Sequential(1, "true"); failed != 1 {
		t.Fatal("a wrong host key was accepted")
	}
	stranger := &Target{Addr: s.addr, User: "u", Key: newSigner(t), HostKey: s.hostKey}
	if failed, _ := stranger.Sequential(1, "true"); failed != 1 {
		t.Fatal("an unknown client key logged in")
	}
}

func TestHold(t *testing.T) {
	key := newSigner(t)
	s := startServer(t, key.PublicKey())
	tg := &Target{Addr: s.addr, User: "u", Key: key, HostKey: s.hostKey}
	h, failed, err := tg.Hold(20, 4)
	if failed != 0 || h.Len() != 20 {
		t.Fatalf("held %d, %d failed (%v), want 20 and 0", h.Len(), failed, err)
	}
	if n := s.sessions.Load(); n != 20 {
		t.Fatalf("server sees %d sessions, want 20", n)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if h.Len() != 0 {
		t.Fatal("connections left after Close")
	}
}
