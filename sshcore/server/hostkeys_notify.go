package server

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/algo"
)

// UpdateHostKeys, the server's half (OpenSSH PROTOCOL §2.5): after user
// authentication sshd announces every host key it holds in a
// hostkeys-00@openssh.com request, so that a client that trusts one of them
// can learn the others (and forget the ones the server dropped) before a
// key rotation retires the one it knows. A client that has not seen a key
// asks the server to prove it holds the private half with
// hostkeys-prove-00@openssh.com, answered by proveHostKeys.

const (
	reqHostKeys      = "hostkeys-00@openssh.com"
	reqHostKeysProve = "hostkeys-prove-00@openssh.com"
)

// plainHostKeys lists the host keys a client may learn: every loaded key,
// whatever HostKeyAlgorithms offers in the key exchange (as OpenSSH, so that
// a client keeps the keys another configuration may show it), without
// certificates (a certificate is trusted through its authority, not
// learned) and without repeats (OpenSSH's client drops the whole update on
// a duplicate).
func (c *conn) plainHostKeys() []ssh.Signer {
	var out []ssh.Signer
	seen := map[string]bool{}
	for _, k := range c.srv.HostKeys {
		pub := k.PublicKey()
		if _, isCert := pub.(*ssh.Certificate); isCert {
			continue
		}
		blob := string(pub.Marshal())
		if seen[blob] {
			continue
		}
		seen[blob] = true
		out = append(out, k)
	}
	return out
}

// notifyHostKeys sends hostkeys-00@openssh.com, want-reply false, as
// OpenSSH's sshd does once the user is authenticated.
func (c *conn) notifyHostKeys() {
	log := c.srv.log()
	var payload []byte
	keys := c.plainHostKeys()
	for i, k := range keys {
		log.Debug3f(msgNotifyHostKey, i, k.PublicKey().Type(), ssh.FingerprintSHA256(k.PublicKey()))
		payload = append(payload, ssh.Marshal(struct{ B []byte }{k.PublicKey().Marshal()})...)
	}
	if len(keys) == 0 {
		return
	}
	log.Debug3f(msgNotifyHostKeysSent, len(keys))
	if _, _, err := c.sshConn.SendRequest(reqHostKeys, false, payload); err != nil {
		log.Debugf("notify_hostkeys: %v", err)
	}
}

// proveHostKeys answers hostkeys-prove-00@openssh.com: for each key the
// client lists, in its order, a signature by that host key over
// string "hostkeys-prove-00@openssh.com", string session identifier,
// string key. A key that is not one of ours fails the whole request, as in
// OpenSSH: nothing is signed for a key the server does not hold.
func (c *conn) proveHostKeys(payload []byte) ([]byte, error) {
	ours := c.plainHostKeys()
	sid := c.sshConn.SessionID()
	negotiated := ""
	if am, ok := c.sshConn.Conn.(ssh.AlgorithmsConnMetadata); ok {
		negotiated = am.Algorithms().HostKey
	}
	rsaAlg := proofRSAAlgorithm(negotiated)
	var resp []byte
	for rest := payload; len(rest) > 0; {
		var blob []byte
		var err error
		if blob, rest, err = takeString(rest); err != nil {
			return nil, err
		}
		var signer ssh.Signer
		for _, k := range ours {
			if bytes.Equal(k.PublicKey().Marshal(), blob) {
				signer = k
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
		data := hostKeyProofData(sid, blob)
		var sig *ssh.Signature
		if as, ok := signer.(ssh.AlgorithmSigner); ok && signer.PublicKey().Type() == ssh.KeyAlgoRSA {
			sig, err = as.SignWithAlgorithm(nil, data, rsaAlg)
		} else {
			sig, err = signer.Sign(nil, data)
		}
		if err != nil {
			return nil, fmt.Errorf("assemble signature: %v", err)
		}
		resp = append(resp, ssh.Marshal(struct{ B []byte }{ssh.Marshal(sig)})...)
	}
	return resp, nil
}

// hostKeyProofData is what a hostkeys-prove-00 signature covers.
func hostKeyProofData(sessionID, keyBlob []byte) []byte {
	return ssh.Marshal(struct {
		Magic string
		SID   []byte
		Key   []byte
	}{reqHostKeysProve, sessionID, keyBlob})
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

var errShortString = errors.New("truncated string")

// takeString splits one SSH string off the front of b.
func takeString(b []byte) (s, rest []byte, err error) {
	if len(b) < 4 {
		return nil, nil, errShortString
	}
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, errShortString
	}
	return b[4 : 4+n], b[4+n:], nil
}
