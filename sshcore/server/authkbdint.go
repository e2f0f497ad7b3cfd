package server

import (
	"golang.org/x/crypto/ssh"
)

// kbdInteractive is the "keyboard-interactive" method carrying the
// password prompt, which PuTTY and many embedded clients prefer to the
// password method. The prompt is shown whether or not the user exists.
func (c *conn) kbdInteractive(meta ssh.ConnMetadata, challenge ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
	answers, err := challenge("", "", []string{kbdPasswordPrompt}, []bool{false})
	if err != nil {
		// The client went away or broke the protocol mid-dialog.
		return nil, err
	}
	if len(answers) != 1 {
		return nil, errDenied
	}
	return nil, c.checkPassword(userName(meta.User()), answers[0], "keyboard-interactive")
}
