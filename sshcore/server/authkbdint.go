package server

import (
	"errors"

	"golang.org/x/crypto/ssh"
)

// kbdInteractive is the "keyboard-interactive" method carrying the
// password prompt, which PuTTY and many embedded clients prefer to the
// password method. The prompt is shown whether or not the user exists.
//
// The ssh2 dialect's AuthKbdInt.Retries bounds the failures: once that
// many have failed on the connection, the method fails without asking,
// for any user name, and MaxAuthTries counts that failure too.
func (c *conn) kbdInteractive(meta ssh.ConnMetadata, challenge ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
	name := userName(meta.User())
	retries := c.admit(name).opts.KbdIntRetries
	c.mu.Lock()
	failed := c.kbdIntFailed
	c.mu.Unlock()
	if retries > 0 && failed >= retries {
		c.srv.log().Infof(msgKbdIntRetries, name, retries)
		return nil, errDenied
	}
	answers, err := challenge("", "", []string{kbdPasswordPrompt}, []bool{false})
	if err != nil {
		// The client went away or broke the protocol mid-dialog.
		return nil, err
	}
	err = errDenied
	if len(answers) == 1 {
		err = c.checkPassword(name, answers[0], "keyboard-interactive")
	}
	var partial *ssh.PartialSuccessError
	if err != nil && !errors.As(err, &partial) {
		c.mu.Lock()
		c.kbdIntFailed++
		c.mu.Unlock()
	}
	return nil, err
}
