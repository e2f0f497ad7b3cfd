package client

import (
	"io"
	"sync"

	"golang.org/x/crypto/ssh"
)

// onAccept wraps an identity's signer so that accepted runs once, before
// its first signature. x/crypto's publickey method signs only after the
// server has answered the key's query with SSH_MSG_USERAUTH_PK_OK, which
// is where OpenSSH's ssh says "Server accepts key" (and then, for a key
// not yet decrypted, asks for the passphrase: lazySigner asks when it
// signs, so the line comes first here too). The wrapper keeps the
// signer's own interfaces: x/crypto picks the signature algorithm by
// asking whether a signer is an AlgorithmSigner or MultiAlgorithmSigner.
func onAccept(s ssh.Signer, accepted func()) ssh.Signer {
	plain := noteSigner{s, &acceptNote{accepted: accepted}}
	switch s := s.(type) {
	case ssh.MultiAlgorithmSigner:
		return noteMultiSigner{noteAlgSigner{plain, s}, s}
	case ssh.AlgorithmSigner:
		return noteAlgSigner{plain, s}
	default:
		return plain
	}
}

type acceptNote struct {
	once     sync.Once
	accepted func()
}

type noteSigner struct {
	ssh.Signer
	n *acceptNote
}

func (s noteSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	s.n.once.Do(s.n.accepted)
	return s.Signer.Sign(rand, data)
}

type noteAlgSigner struct {
	noteSigner
	alg ssh.AlgorithmSigner
}

func (s noteAlgSigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	s.n.once.Do(s.n.accepted)
	return s.alg.SignWithAlgorithm(rand, data, algorithm)
}

type noteMultiSigner struct {
	noteAlgSigner
	multi ssh.MultiAlgorithmSigner
}

func (s noteMultiSigner) Algorithms() []string { return s.multi.Algorithms() }
