package minserver

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"testing"

	"golang.org/x/crypto/ssh"
)

func signer(t *testing.T) ssh.Signer {
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

// TestAdmitsOnlyTheKey: the allowed key logs in (and its channels are
// refused); any other key is refused at authentication.
func TestAdmitsOnlyTheKey(t *testing.T) {
	host, user, other := signer(t), signer(t), signer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go Serve(l, Config(host, user.PublicKey()))
	dial := func(s ssh.Signer) (*ssh.Client, error) {
		return ssh.Dial("tcp", l.Addr().String(), &ssh.ClientConfig{
			User: "u", Auth: []ssh.AuthMethod{ssh.PublicKeys(s)},
			HostKeyCallback: ssh.FixedHostKey(host.PublicKey()),
		})
	}
	c, err := dial(user)
	if err != nil {
		t.Fatalf("allowed key: %v", err)
	}
	if _, err := c.NewSession(); err == nil {
		t.Error("a session was opened; minserver has none")
	}
	c.Close()
	if c, err := dial(other); err == nil {
		c.Close()
		t.Error("another key was let in")
	}
}
