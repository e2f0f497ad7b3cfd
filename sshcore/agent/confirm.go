package agent

import (
	"fmt"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/askpass"
	"sshbox/sshcore/keys"
)

// AskpassConfirm returns the confirmation OpenSSH's agent asks before each
// use of a key added with -c: its confirm_key, through ask_permission
// (askpass.Permission), so the answer is what the askpass program prints,
// empty or "yes" allowing, and without a display (or
// SSH_ASKPASS_REQUIRE=force) every use is refused: there is nobody to ask.
func AskpassConfirm(hash string) ConfirmFunc {
	return func(comment string, key ssh.PublicKey) bool {
		return askpass.Permission(fmt.Sprintf("Allow use of key %s?\nKey fingerprint %s.", comment, keys.Fingerprint(key, hash)))
	}
}
