package server

import (
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
)

// AuthenticationMethods: each list ("publickey,password") names methods a
// user must pass in that order; any one list completed lets the user in.
// Only the methods that come next in a list still open are offered, as in
// OpenSSH. x/crypto carries the steps with PartialSuccessError.

// methodLists returns the configured lists split into method names (a
// ":submethod" suffix dropped), or nil for "any" or none set.
func methodLists(opts *configfmt.ServerOptions) [][]string {
	var out [][]string
	for _, l := range opts.AuthenticationMethods {
		for _, one := range strings.Fields(l) {
			if strings.EqualFold(one, "any") {
				return nil
			}
			var list []string
			for _, m := range strings.Split(one, ",") {
				if i := strings.IndexByte(m, ':'); i >= 0 {
					m = m[:i]
				}
				if m != "" {
					list = append(list, m)
				}
			}
			if len(list) > 0 {
				out = append(out, list)
			}
		}
	}
	return out
}

// nextMethods is what may be tried after the methods done so far: every
// enabled method when AuthenticationMethods is unset, otherwise the next
// method of each list that done is the beginning of. complete is true when
// done finishes a list (or, unset, when anything succeeded).
func nextMethods(opts *configfmt.ServerOptions, done []string) (next map[string]bool, complete bool) {
	next = map[string]bool{}
	lists := methodLists(opts)
	if lists == nil {
		if len(done) > 0 {
			return next, true
		}
		for _, m := range []string{"publickey", "password", "keyboard-interactive"} {
			if opts.MethodEnabled(m) {
				next[m] = true
			}
		}
		return next, false
	}
	for _, l := range lists {
		if len(done) > len(l) {
			continue
		}
		prefix := true
		for i, m := range done {
			if l[i] != m {
				prefix = false
				break
			}
		}
		if !prefix {
			continue
		}
		if len(done) == len(l) {
			return nil, true
		}
		if opts.MethodEnabled(l[len(done)]) {
			next[l[len(done)]] = true
		}
	}
	return next, false
}

// methodAllowed says whether method may be tried now by the user of a,
// given the methods already passed on this connection.
func (c *conn) methodAllowed(a *admission, method string) bool {
	c.mu.Lock()
	done := c.methodsDone
	c.mu.Unlock()
	next, _ := nextMethods(a.opts, done)
	return next[method]
}

// methodPassed is called when the user of a passed method: it either lets
// the user in (nil) or returns the PartialSuccessError that offers the
// next methods. detail completes the log line; opts are the
// authorized_keys options (nil for password methods).
func (c *conn) methodPassed(a *admission, method, detail string, ko *keyOptions) error {
	c.mu.Lock()
	c.methodsDone = append(c.methodsDone, method)
	done := c.methodsDone
	if ko != nil {
		c.partialKeyOpts = ko
	} else {
		ko = c.partialKeyOpts
	}
	c.mu.Unlock()
	next, complete := nextMethods(a.opts, done)
	if complete {
		c.accepted(a, method, detail, ko)
		return nil
	}
	c.srv.log().Infof(msgPartial, method, a.name, c.remoteIP, c.remotePort, detail)
	return &ssh.PartialSuccessError{Next: c.callbacks(next)}
}

// callbacks are the x/crypto callbacks for a set of methods.
func (c *conn) callbacks(methods map[string]bool) ssh.ServerAuthCallbacks {
	var cb ssh.ServerAuthCallbacks
	if methods["publickey"] {
		cb.PublicKeyCallback = c.publicKey
	}
	if methods["password"] {
		cb.PasswordCallback = c.password
	}
	if methods["keyboard-interactive"] {
		cb.KeyboardInteractiveCallback = c.kbdInteractive
	}
	return cb
}

// setupMethods installs the callbacks of the methods offered first. The
// options before the user is known decide them; each callback checks
// methodAllowed with the user's own options, and the "none" request
// switches to the user's list when Match blocks change it.
func setupMethods(c *conn, cfg *ssh.ServerConfig, opts *configfmt.ServerOptions) {
	next, _ := nextMethods(opts, nil)
	delete(next, "none")
	cb := c.callbacks(next)
	cfg.PublicKeyCallback = cb.PublicKeyCallback
	cfg.PasswordCallback = cb.PasswordCallback
	cfg.KeyboardInteractiveCallback = cb.KeyboardInteractiveCallback
	// Clients start with the "none" method, naming their user: when
	// Match User or Match Group give that user other methods than the
	// connection's, the answer carries the user's own list (as a partial
	// success, the only way x/crypto has to change the list offered).
	cfg.NoClientAuth = true
	cfg.NoClientAuthCallback = func(meta ssh.ConnMetadata) (*ssh.Permissions, error) {
		a := c.admit(userName(meta.User()))
		if c.emptyPassword(a) {
			return nil, c.methodPassed(a, "none", "", nil)
		}
		mine, _ := nextMethods(a.opts, nil)
		delete(mine, "none") // not a method a client can be offered
		if len(mine) == 0 || sameMethods(mine, next) {
			return nil, errDenied
		}
		return nil, &ssh.PartialSuccessError{Next: c.callbacks(mine)}
	}
	// VerifiedPublicKeyCallback is not part of the per-step callbacks in
	// x/crypto: it stays installed, and the step logic runs inside it.
	cfg.VerifiedPublicKeyCallback = c.verifiedPublicKey
}

func sameMethods(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for m := range a {
		if !b[m] {
			return false
		}
	}
	return true
}
