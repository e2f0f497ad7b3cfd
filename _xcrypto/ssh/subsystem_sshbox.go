// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import "errors"

// StartSubsystem asks for the subsystem and starts the session's copies of
// stdin, stdout and stderr, as Start does for a command, so that Wait
// waits for the subsystem's exit status. x/crypto's RequestSubsystem
// leaves the session unstarted, and then Wait refuses: a subsystem could
// only be run on a bare channel, without the terminal handling a session
// with a pty has (OpenSSH's ssh -s -t).
func (s *Session) StartSubsystem(name string) error {
	if s.started {
		return errors.New("ssh: session already started")
	}
	if err := s.RequestSubsystem(name); err != nil {
		return err
	}
	return s.start()
}
