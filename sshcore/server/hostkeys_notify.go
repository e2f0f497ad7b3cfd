package server

import (
	"bytes"
	"fmt"
	"sync"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore"
	"sshbox/sshcore/algo"
	"sshbox/sshcore/loglevel"
)

// UpdateHostKeys, the server's half (OpenSSH PROTOCOL §2.5): after user
// authentication sshd announces every host key it holds in a
// hostkeys-00@openssh.com request, so that a client that trusts one of them
// can learn the others (and forget the ones the server dropped) before a
// key rotation retires the one it knows. A client that has not seen a key
// asks the server to prove it holds the private half with
// hostkeys-prove-00@openssh.com, answered by proveHostKeys.

// hostKeyNotice is the part of UpdateHostKeys that depends only on the
// host keys, which do not change while the Server runs: worked out at the
// first login instead of at every one.
type hostKeyNotice struct {
	once sync.Once
	// plain lists the host keys a client may learn: every loaded key,
	// whatever HostKeyAlgorithms offers in the key exchange (as OpenSSH,
	// so that a client keeps the keys another configuration may show it),
	// without certificates (a certificate is trusted through its
	// authority, not learned) and without repeats (OpenSSH's client drops
	// the whole update on a duplicate). blobs are their wire forms.
	plain []ssh.Signer
	blobs [][]byte
	// payload is the hostkeys-00@openssh.com request's data.
	payload []byte
}

func (s *Server) hostKeyNotice() *hostKeyNotice {
	n := &s.notice
	n.once.Do(func() {
		seen := map[string]bool{}
		for _, k := range s.HostKeys {
			pub := k.PublicKey()
			if _, isCert := pub.(*ssh.Certificate); isCert {
				continue
			}
			blob := pub.Marshal()
			if seen[string(blob)] {
				continue
			}
			seen[string(blob)] = true
			n.plain = append(n.plain, k)
			n.blobs = append(n.blobs, blob)
		}
		n.payload = sshcore.JoinStrings(n.blobs)
	})
	return n
}

// notifyHostKeys sends hostkeys-00@openssh.com, want-reply false, as
// OpenSSH's sshd does once the user is authenticated.
func (c *conn) notifyHostKeys() {
	log := c.srv.log()
	n := c.srv.hostKeyNotice()
	if len(n.plain) == 0 {
		return
	}
	if log.Enabled(loglevel.Debug3) {
		for i, k := range n.plain {
			log.Debug3f(msgNotifyHostKey, i, k.PublicKey().Type(), ssh.FingerprintSHA256(k.PublicKey()))
		}
		log.Debug3f(msgNotifyHostKeysSent, len(n.plain))
	}
	if _, _, err := c.sshConn.SendRequest(sshcore.ReqHostKeys, false, n.payload); err != nil {
		log.Debugf("notify_hostkeys: %v", err)
	}
}

// proveHostKeys answers hostkeys-prove-00@openssh.com: for each key the
// client lists, in its order, a signature by that host key over
// string "hostkeys-prove-00@openssh.com", string session identifier,
// string key. A key that is not one of ours fails the whole request, as in
// OpenSSH: nothing is signed for a key the server does not hold.
func (c *conn) proveHostKeys(payload []byte) ([]byte, error) {
	ours := c.srv.hostKeyNotice()
	sid := c.sshConn.SessionID()
	negotiated := ""
	if am, ok := c.sshConn.Conn.(ssh.AlgorithmsConnMetadata); ok {
		negotiated = am.Algorithms().HostKey
	}
	rsaAlg := proofRSAAlgorithm(negotiated)
	blobs, err := sshcore.SplitStrings(payload)
	if err != nil {
		return nil, err
	}
	var sigs [][]byte
	for _, blob := range blobs {
		var signer ssh.Signer
		for i, b := range ours.blobs {
			if bytes.Equal(b, blob) {
				signer = ours.plain[i]
				break
			}
		}
		if signer == nil {
			pub, err := ssh.ParsePublicKey(blob)
			if err != nil {
				return nil, fmt.Errorf("parse key: %v", err)
			}
			return nil, fmt.Errorf("unknown host %s key", pub.Type())
		}
		data := sshcore.HostKeyProofData(sid, blob)
		var sig *ssh.Signature
		if as, ok := signer.(ssh.AlgorithmSigner); ok && signer.PublicKey().Type() == ssh.KeyAlgoRSA {
			sig, err = as.SignWithAlgorithm(nil, data, rsaAlg)
		} else {
			sig, err = signer.Sign(nil, data)
		}
		if err != nil {
			return nil, fmt.Errorf("assemble signature: %v", err)
		}
		sigs = append(sigs, ssh.Marshal(sig))
	}
	return sshcore.JoinStrings(sigs), nil
}

// proofRSAAlgorithm is the signature algorithm for RSA proofs: the one the
// key exchange negotiated when that was an RSA one (the client verifies
// against it), else rsa-sha2-512, never SHA-1 (OpenSSH's client accepts
// only rsa-sha2-256/512 then).
func proofRSAAlgorithm(negotiated string) string {
	switch u := algo.Underlying(negotiated); u {
	case ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSA:
		return u
	}
	return ssh.KeyAlgoRSASHA512
}

// answerProve replies to a hostkeys-prove-00@openssh.com request.
func (c *conn) answerProve(req *ssh.Request) {
	resp, err := c.proveHostKeys(req.Payload)
	if err != nil {
		c.srv.log().Errorf(msgProveFailed, err)
	}
	req.Reply(err == nil, resp)
}
