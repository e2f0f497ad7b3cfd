package keys

import (
	"errors"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/errtext"
)

// ParsePublicKey is ssh.ParsePublicKey with an error that is one line of
// printable text: x/crypto's names the key type read from the blob, which
// may hold any byte (a newline there would forge a line of the log).
func ParsePublicKey(blob []byte) (ssh.PublicKey, error) {
	k, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return nil, errors.New(errtext.Printable(err.Error()))
	}
	return k, nil
}
