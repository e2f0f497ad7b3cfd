package server

import (
	"encoding/base64"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/asuser"
)

// ExposeAuthInfo: OpenSSH writes the methods that let the user in, one
// line each in the order they passed ("publickey ssh-ed25519 AAAA...",
// "password", "keyboard-interactive"), to a file of the user's own in
// /tmp, names it in SSH_USER_AUTH, and removes it when the session ends.

// recordAuthInfo notes a method that passed.
func (c *conn) recordAuthInfo(method string, key ssh.PublicKey) {
	line := method
	if key != nil {
		line += " " + key.Type() + " " + base64.StdEncoding.EncodeToString(key.Marshal())
	}
	c.mu.Lock()
	c.authInfo = append(c.authInfo, line)
	c.mu.Unlock()
}

// exposeAuthInfo writes the session's SSH_USER_AUTH file, as the user, so
// that only they can read it. A failure is logged and the session goes on
// without it, as in OpenSSH.
func (s *session) exposeAuthInfo() {
	if !s.c.user.opts.ExposeAuthInfo || s.authInfoFile != "" {
		return
	}
	s.c.mu.Lock()
	text := strings.Join(s.c.authInfo, "\n") + "\n"
	s.c.mu.Unlock()
	f, path, err := asuser.TempFile(s.c.user.acct.cred(), "/tmp", "sshauth.")
	if err != nil {
		s.c.srv.log().Errorf("prepare_auth_info_file: mkstemp: %v", err)
		return
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.c.srv.log().Errorf("prepare_auth_info_file: write: %v", err)
		asuser.Remove(s.c.user.acct.cred(), path)
		return
	}
	s.authInfoFile = path
}

// removeAuthInfo removes the file when the session is over.
func (s *session) removeAuthInfo() {
	if s.authInfoFile == "" {
		return
	}
	if err := asuser.Remove(s.c.user.acct.cred(), s.authInfoFile); err != nil {
		s.c.srv.log().Errorf("session: removing %s: %v", s.authInfoFile, err)
	}
	s.authInfoFile = ""
}
