package server

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"os/user"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/sshcore/loglevel"
)

// authMethod installs the callbacks of one authentication method on a
// connection's x/crypto configuration. Each method lives in its own file
// (authpubkey.go; password and keyboard-interactive in theirs) and appends
// itself to authMethods in an init function.
type authMethod func(c *conn, cfg *ssh.ServerConfig, opts *configfmt.ServerOptions)

var authMethods []authMethod

// admissionCheck is one more rule an account must pass before any method
// may log it in (AllowUsers, DenyGroups and the like, each in its own
// file, appended to admissionChecks in an init function). It returns why
// the account is refused, completing "User U from A not allowed because
// ...", or "".
type admissionCheck func(c *conn, a *admission) string

var admissionChecks []admissionCheck

// admission is what sshd decided about one user name on one connection:
// the account, its options (Match User applied), and whether it may log in
// at all. It is decided once per name, so the refusal is logged once.
type admission struct {
	name string
	acct *account // nil: no such user
	opts *configfmt.ServerOptions
	why  string // non-empty: refused, and why
	// invalid: what OpenSSH's log calls an "invalid user" ("Failed
	// password for invalid user U"): no such account, or one its
	// allowed_user refuses (locked, DenyUsers...). Root refused by
	// PermitRootLogin is still a valid user there.
	invalid bool
}

// errDenied is what every refusal looks like to the client: nothing about
// why, which is only for the log.
var errDenied = errors.New("permission denied")

// userName is the account part of the user name a client sends: OpenSSH
// splits "user:style" (a BSD authentication style) and logs in user. An
// empty style ("user:") is left whole, which no account matches: OpenSSH
// refuses it too.
func userName(sent string) string {
	name, style, _ := strings.Cut(sent, ":")
	if style == "" {
		return sent
	}
	return name
}

// admit returns the admission of user, deciding it on first use.
func (c *conn) admit(name string) *admission {
	name = userName(name)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.authUser = name
	if a, ok := c.admissions[name]; ok {
		return a
	}
	if c.admissions == nil {
		c.admissions = map[string]*admission{}
	}
	a := &admission{name: name}
	c.admissions[name] = a
	log := c.srv.log()
	acct, lookupErr := lookupAccount(c.srv.accounts(), name)
	mc := c.matchConn(name)
	mc.InvalidUser = lookupErr != nil
	opts, err := c.config(mc)
	if err != nil {
		log.Errorf("%v", err)
		a.why = err.Error()
		a.opts = c.opts
		return a
	}
	a.opts = opts
	if opts.RefuseConnection {
		// A Match block that names the user refuses the connection, as
		// OpenSSH ends it then; nothing this connection offers is
		// accepted afterwards.
		log.Infof(msgRefuseUser, name, c.remoteIP, c.remotePort)
		a.why = "RefuseConnection"
		c.refusedByConfig = true
		c.nc.Close()
		return a
	}
	if lookupErr != nil {
		log.Infof(msgInvalidUser, name, c.remoteIP, c.remotePort)
		a.why, a.invalid = "invalid user", true
		return a
	}
	a.acct = acct
	if euid := os.Geteuid(); euid != 0 && acct.UID != uint32(euid) {
		self := fmt.Sprint(euid)
		if u, err := user.LookupId(self); err == nil {
			self = u.Username
		}
		a.why = fmt.Sprintf(whyNotOwnUser, self)
	} else if acct.UID == 0 && strings.EqualFold(opts.PermitRootLogin, "no") {
		log.Infof(msgRootRefused, c.remoteIP, c.remotePort)
		a.why = "root login is not permitted"
		return a
	} else {
		a.why = refusal(acct, time.Now())
	}
	for _, check := range admissionChecks {
		if a.why != "" {
			break
		}
		a.why = check(c, a)
	}
	if a.why == "" {
		a.why = homeRefusal(acct)
	}
	if a.why != "" {
		a.invalid = true
		switch a.why {
		case whyExpired:
			log.Infof(msgAccountExpired, name)
		case whyDenyUsers, whyAllowUsers, whyDenyGroups, whyAllowGrps:
			// OpenSSH names the client in the refusals its lists make.
			log.Infof(msgNotAllowedFrom, name, c.remoteHost, a.why)
		default:
			log.Infof(msgNotAllowed, name, a.why)
		}
	}
	return a
}

// authLog remembers the last user name tried, for the log line when the
// client gives up.
func (c *conn) authLog(meta ssh.ConnMetadata, method string, err error) {
	var pse *ssh.PartialSuccessError
	c.mu.Lock()
	c.authUser = userName(meta.User())
	c.authRequests++
	if err != nil && !errors.As(err, &pse) && (c.authRequests > 1 || method != "none") {
		// OpenSSH's unprivileged child's count, which raises its
		// "Postponed" line to INFO (keyQueried): every refusal but a
		// first "none".
		c.requestFailures++
	}
	if err != nil && method != "none" && !errors.As(err, &pse) {
		c.triedAuth = true
		if a := c.admissions[c.authUser]; a != nil && a.acct == nil && a.invalid {
			c.triedInvalid = true
		}
	}
	c.mu.Unlock()
	log := c.srv.log()
	if !log.Enabled(loglevel.Debug1) {
		return // below, only debug lines, whose arguments cost allocations
	}
	user := userName(meta.User())
	log.Debugf(msgUserauthRequest, user, method)
	log.Debug2f(msgUserauthTry, method)
	switch {
	case err == nil:
		log.Debugf(msgAuthResultDebug, method, user, "accepted")
	case method == "none":
		log.Debugf(msgAuthResultDebug, method, user, "failed")
	default:
		log.Debugf(msgAuthFailedDebug, method, user, err)
	}
	if err != nil && log.Enabled(loglevel.Debug3) {
		partial, next := 0, c.methodsLeft(user, err)
		var pse *ssh.PartialSuccessError
		if errors.As(err, &pse) {
			partial = 1
		}
		log.Debug3f(msgUserauthFinish, partial, strings.Join(next, ","))
	}
}

// methodsLeft lists, in OpenSSH's order, the methods the client may try
// after err: those of a partial success, else the user's remaining ones.
func (c *conn) methodsLeft(user string, err error) []string {
	var pse *ssh.PartialSuccessError
	var next map[string]bool
	if errors.As(err, &pse) {
		next = map[string]bool{"publickey": pse.Next.PublicKeyCallback != nil,
			"password": pse.Next.PasswordCallback != nil, "keyboard-interactive": pse.Next.KeyboardInteractiveCallback != nil}
	} else {
		a := c.admit(user)
		c.mu.Lock()
		done := c.methodsDone
		c.mu.Unlock()
		next, _ = nextMethods(a.opts, done)
	}
	var out []string
	for _, m := range []string{"publickey", "password", "keyboard-interactive"} {
		if next[m] {
			out = append(out, m)
		}
	}
	return out
}

// padFailure makes a failed attempt take as long as the slowest ordinary
// one, and the same for a given user name whether the account exists or
// not, so that timing does not tell which names exist (OpenSSH's
// user_specific_delay does the same).
func padFailure(start time.Time, user string) {
	h := fnv.New32a()
	h.Write([]byte(user))
	target := 20*time.Millisecond + time.Duration(h.Sum32()%5000)*time.Microsecond
	if d := target - time.Since(start); d > 0 {
		time.Sleep(d)
	}
}

// accepted records a successful authentication and logs it.
func (c *conn) accepted(a *admission, method, detail string, opts *keyOptions) {
	c.mu.Lock()
	c.user, c.auth = a, opts
	c.mu.Unlock()
	c.srv.log().Infof(msgAccepted, method, a.name, c.remoteIP, c.remotePort, detail)
}
