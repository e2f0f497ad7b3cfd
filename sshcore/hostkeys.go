package sshcore

import (
	"errors"

	"golang.org/x/crypto/ssh"
)

// The UpdateHostKeys messages (OpenSSH PROTOCOL §2.5), which sshd sends and
// ssh answers; both halves build and split them here.
const (
	// ReqHostKeys announces the server's host keys after authentication.
	ReqHostKeys = "hostkeys-00@openssh.com"
	// ReqHostKeysProve asks the server to sign with the keys it listed.
	ReqHostKeysProve = "hostkeys-prove-00@openssh.com"
)

// HostKeyProofData is what a hostkeys-prove-00 signature covers: string
// "hostkeys-prove-00@openssh.com", string session identifier, string key.
func HostKeyProofData(sessionID, keyBlob []byte) []byte {
	return ssh.Marshal(struct {
		Magic string
		SID   []byte
		Key   []byte
	}{ReqHostKeysProve, sessionID, keyBlob})
}

// JoinStrings encodes each item as an SSH string, back to back: the body
// of the host key announcement, of the proof request and of its answer.
func JoinStrings(items [][]byte) []byte {
	var out []byte
	for _, b := range items {
		out = append(out, ssh.Marshal(struct{ B []byte }{b})...)
	}
	return out
}

// ErrTruncated is a request body that ends inside a string.
var ErrTruncated = errors.New("truncated string in request")

// SplitStrings undoes JoinStrings.
func SplitStrings(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		var m struct {
			B    []byte
			Rest []byte `ssh:"rest"`
		}
		if ssh.Unmarshal(b, &m) != nil {
			return nil, ErrTruncated
		}
		out = append(out, m.B)
		b = m.Rest
	}
	return out, nil
}
