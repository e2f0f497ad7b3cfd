package agent

import (
	"fmt"
	"os"
	"os/exec"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/keys"
)

// AskpassConfirm returns the confirm dialogue OpenSSH's agent runs: the
// program named by SSH_ASKPASS with SSH_ASKPASS_PROMPT=confirm, exit 0
// meaning yes. Without SSH_ASKPASS it returns nil, so that every use of a
// confirm key is refused: there is nobody to ask.
func AskpassConfirm(hash string) ConfirmFunc {
	prog := os.Getenv("SSH_ASKPASS")
	if prog == "" {
		return nil
	}
	return func(comment string, key ssh.PublicKey) bool {
		prompt := fmt.Sprintf("Allow use of key %s?\nKey fingerprint %s.", comment, keys.Fingerprint(key, hash))
		cmd := exec.Command(prog, prompt)
		cmd.Env = append(os.Environ(), "SSH_ASKPASS_PROMPT=confirm")
		return cmd.Run() == nil
	}
}
