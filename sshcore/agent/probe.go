package agent

import (
	"crypto/rand"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// ProbeError says which half of a probe failed: the agent would not sign
// (Signing), or what it signed does not verify against the key, which
// means it holds some other private key under that public one.
type ProbeError struct {
	Signing bool
	Err     error
}

func (e *ProbeError) Error() string { return e.Err.Error() }
func (e *ProbeError) Unwrap() error { return e.Err }

// Probe checks that the agent holds the private half of key (a plain key
// or a certificate) the way OpenSSH's ssh-add -T does: it asks for a
// signature over 1024 random bytes and verifies it. Listing the agent's
// keys would only show that it claims the key; a signature shows it can
// use it. Like OpenSSH 9.2 it asks with no signature flags, so an RSA key
// is tried with the agent's default algorithm (ssh-rsa); the data is
// random and never leaves this process, so the SHA-1 hash proves as much
// as any other.
func Probe(ag agent.ExtendedAgent, key ssh.PublicKey) error {
	data := make([]byte, 1024)
	rand.Read(data) // never fails since Go 1.24
	sig, err := ag.SignWithFlags(key, data, 0)
	if err != nil {
		return &ProbeError{Signing: true, Err: err}
	}
	if err := key.Verify(data, sig); err != nil {
		return &ProbeError{Err: err}
	}
	return nil
}
