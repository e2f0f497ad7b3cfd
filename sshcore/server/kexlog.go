package server

import (
	"io"

	"golang.org/x/crypto/ssh"
)

// x/crypto gives the server no key exchange hooks, but it signs every
// exchange's hash with the host key, the first and each re-key alike, and
// signs nothing else with the keys it is given. So a host key that counts
// its signatures is a truthful record of key exchanges: by then both
// KEXINITs have crossed and the client's key share has arrived. What the
// exchange chose besides the host key algorithm is not visible here and is
// not logged.

// kexCounter wraps the host keys of one connection and logs each
// signature as a key exchange.
type kexCounter struct{ c *conn }

func (k *kexCounter) signed(algorithm string) {
	k.c.mu.Lock()
	preauth := k.c.user == nil
	k.c.rekey.Exchanged() // RekeyLimit's time starts again
	k.c.mu.Unlock()
	suffix := ""
	if preauth {
		suffix = " [preauth]"
	}
	log := k.c.srv.log()
	log.Debugf("SSH2_MSG_KEXINIT received%s", suffix)
	log.Debugf("SSH2_MSG_KEXINIT sent%s", suffix)
	log.Debugf("kex: host key algorithm: %s%s", algorithm, suffix)
}

// wrap returns s counting its signatures, with the same interfaces (x/crypto
// picks a host key by them).
func (k *kexCounter) wrap(s ssh.Signer) ssh.Signer {
	switch as := s.(type) {
	case ssh.MultiAlgorithmSigner:
		return &kexMultiSigner{kexSigner{as, k}, as}
	case ssh.AlgorithmSigner:
		return &kexSigner{as, k}
	}
	return s
}

type kexSigner struct {
	ssh.AlgorithmSigner
	k *kexCounter
}

func (s *kexSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	sig, err := s.AlgorithmSigner.Sign(rand, data)
	if err == nil {
		s.k.signed(sig.Format)
	}
	return sig, err
}

func (s *kexSigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	sig, err := s.AlgorithmSigner.SignWithAlgorithm(rand, data, algorithm)
	if err == nil {
		s.k.signed(sig.Format)
	}
	return sig, err
}

type kexMultiSigner struct {
	kexSigner
	m ssh.MultiAlgorithmSigner
}

func (s *kexMultiSigner) Algorithms() []string { return s.m.Algorithms() }
