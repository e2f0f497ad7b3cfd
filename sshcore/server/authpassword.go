package server

import (
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/passwd"
)

// password is the "password" method: the password is checked against the
// system's accounts by sshcore/passwd.
func (c *conn) password(meta ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
	return nil, c.checkPassword(userName(meta.User()), string(pw), "password")
}

// checkPassword decides one password attempt for method ("password" or
// "keyboard-interactive"). Every attempt, for a name that exists or not,
// an account refused or not, runs exactly one passwd.Check (which hashes
// once at the usual cost whatever the path) and then is padded like every
// failure, so the time taken does not tell which names exist.
func (c *conn) checkPassword(name, pw, method string) error {
	start := time.Now()
	a := c.admit(name)
	err := passwd.Check(c.srv.accounts(), name, pw, a.opts.PermitEmptyPasswords)
	log := c.srv.log()
	fail := func(reason error) error {
		who := name
		if a.invalid {
			who = "invalid user " + name
		}
		log.Infof(msgFailed, method, who, c.remoteIP, c.remotePort, "")
		c.recordFailed(name)
		c.mu.Lock()
		c.authFailures++
		c.mu.Unlock()
		if reason != nil {
			log.Debugf(msgPasswordWhy, method, name, reason)
		}
		padFailure(start, name)
		return errDenied
	}
	if !a.opts.MethodEnabled(method) || !c.methodAllowed(a, method) {
		return fail(errors.New("method not allowed for this user"))
	}
	if a.acct == nil || a.why != "" {
		return fail(nil)
	}
	if err != nil {
		return fail(err)
	}
	if a.acct.UID == 0 && !strings.EqualFold(a.opts.PermitRootLogin, "yes") {
		// prohibit-password, without-password and forced-commands-only
		// all keep root to keys.
		log.Infof(msgRootRefused, c.remoteIP, c.remotePort)
		return fail(nil)
	}
	c.recordAuthInfo(method, nil)
	return c.methodPassed(a, method, "", nil)
}

// emptyPassword is the "none" request's one way in, as in OpenSSH and
// Dropbear (-B): with PermitEmptyPasswords and PasswordAuthentication on,
// and no AuthenticationMethods lists or one whose next method is "none"
// ("AuthenticationMethods none": only such accounts), an account whose
// password is empty logs in without being asked for it ("Accepted none
// for U"). Root only
// with PermitRootLogin yes, as for the password method. The password is
// checked whether or not the name exists, so that the answer takes as
// long either way; a refusal logs nothing (every client starts with
// "none").
func (c *conn) emptyPassword(a *admission) bool {
	o := a.opts
	if !o.PermitEmptyPasswords || !o.PasswordAuthentication ||
		methodLists(o) != nil && !c.methodAllowed(a, "none") {
		return false
	}
	err := passwd.Check(c.srv.accounts(), a.name, "", true)
	return err == nil && a.acct != nil && a.why == "" &&
		(a.acct.UID != 0 || strings.EqualFold(o.PermitRootLogin, "yes"))
}
