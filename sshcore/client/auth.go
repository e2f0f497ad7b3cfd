package client

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// authState walks PreferredAuthentications against what the server allows,
// one attempt per call of x/crypto's AuthCallback, so that every step can be
// logged as OpenSSH logs it and each method gets its own retry rules.
type authState struct {
	c  *Client
	hk *hostKeyCheck

	order      []string
	ids        []*identity // loaded on first use
	idsLoaded  bool
	nextID     int
	pwTries    int
	kbdTries   int
	current    string // the method being worked through, for "Next authentication method"
	last       string // the method of the attempt in flight
	denied     error  // set when nothing is left to try
	methodSeen bool
}

func newAuthState(c *Client, hk *hostKeyCheck) *authState {
	order := c.Opts.PreferredAuthentications
	if len(order) == 0 {
		order = []string{"publickey", "keyboard-interactive", "password"}
	}
	return &authState{c: c, hk: hk, order: order}
}

func (a *authState) enabled(method string) bool {
	o := a.c.Opts
	switch method {
	case "publickey":
		return o.PubkeyAuthentication
	case "password":
		return o.PasswordAuthentication && !o.BatchMode && !a.hk.insecure
	case "keyboard-interactive":
		return o.KbdInteractiveAuthentication && !o.BatchMode && !a.hk.insecure
	}
	return false
}

func (a *authState) tries() int {
	if n := a.c.Opts.NumberOfPasswordPrompts; n > 0 {
		return n
	}
	return 3
}

// next is the ssh.ClientAuthCallback.
func (a *authState) next(ctx *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	log := a.c.Log
	if len(ctx.PartialSuccessMethods) > 0 && a.last == ctx.PartialSuccessMethods[len(ctx.PartialSuccessMethods)-1] && !a.methodSeen {
		log.Debug1("Authenticated using \"%s\" with partial success.", a.last)
	}
	a.methodSeen = false
	if a.last == "" {
		logChosen(log, ctx.Algorithms)
	}
	log.Debug1("Authentications that can continue: %s", strings.Join(ctx.AllowedMethods, ","))
	for _, m := range a.order {
		if !slices.Contains(ctx.AllowedMethods, m) || !a.enabled(m) {
			continue
		}
		if a.current != m {
			a.current = m
			log.Debug3("authmethod_lookup %s", m)
			log.Debug3("remaining preferred: %s", strings.Join(a.order[slices.Index(a.order, m)+1:], ","))
			log.Debug3("authmethod_is_enabled %s", m)
			log.Debug1("Next authentication method: %s", m)
		}
		var am ssh.AuthMethod
		switch m {
		case "publickey":
			am = a.nextKey()
		case "keyboard-interactive":
			am = a.nextKbd()
		case "password":
			am = a.nextPassword()
		}
		if am == nil {
			continue
		}
		a.last = m
		a.methodSeen = true
		return am, nil
	}
	o := a.c.Opts
	a.denied = fatalf(msgPermissionDenied, o.User, o.HostName, strings.Join(ctx.AllowedMethods, ","))
	return nil, a.denied
}

func macName(d ssh.DirectionAlgorithms) string {
	if strings.Contains(d.Cipher, "gcm") || strings.Contains(d.Cipher, "chacha20") {
		return "<implicit>"
	}
	return d.MAC
}

// nextKey offers the next identity, or nil when all were offered.
func (a *authState) nextKey() ssh.AuthMethod {
	if !a.idsLoaded {
		a.idsLoaded = true
		a.ids = a.c.loadIdentities()
		for _, id := range a.ids {
			a.c.Log.Debug1("Will attempt key: %s", a.c.identityLine(id))
		}
	}
	for a.nextID < len(a.ids) {
		id := a.ids[a.nextID]
		a.nextID++
		line := a.c.identityLine(id)
		a.c.Log.Debug1("Offering public key: %s", line)
		a.c.Log.Debug2("we sent a publickey packet, wait for reply")
		return ssh.PublicKeys(onAccept(id.signer, func() { a.c.Log.Debug1("Server accepts key: %s", line) }))
	}
	return nil
}

// identityLine names an identity in ssh -v's lines as OpenSSH's
// format_identity does: "PATH TYPE SHA256:... explicit".
func (c *Client) identityLine(id *identity) string {
	pub := id.signer.PublicKey()
	return fmt.Sprintf("%s %s %s%s", id.name, keyTypeName(pub), c.fingerprint(pub), id.origin)
}

// nextPassword prompts "user@host's password: " up to
// NumberOfPasswordPrompts times.
func (a *authState) nextPassword() ssh.AuthMethod {
	if a.pwTries >= a.tries() {
		return nil
	}
	if !a.c.Prompt.Available() {
		return nil
	}
	o := a.c.Opts
	again := a.pwTries > 0
	a.pwTries++
	return ssh.PasswordCallback(func() (string, error) {
		if again {
			a.c.Log.Error("%s", msgPasswordAgain)
		}
		pw, err := a.c.Prompt.Secret(fmt.Sprintf(msgPassword, o.User, a.promptHost()))
		if err != nil {
			a.pwTries = a.tries()
		}
		return pw, err
	})
}

// promptHost is the host a password or keyboard-interactive prompt names:
// HostKeyAlias when set, as in OpenSSH's userauth_passwd and
// input_userauth_info_req, else the host connected to.
func (a *authState) promptHost() string {
	if o := a.c.Opts; o.HostKeyAlias != "" {
		return o.HostKeyAlias
	}
	return a.c.Opts.HostName
}

// nextKbd answers keyboard-interactive challenges on the terminal.
func (a *authState) nextKbd() ssh.AuthMethod {
	if a.kbdTries >= a.tries() || !a.c.Prompt.Available() {
		return nil
	}
	a.kbdTries++
	p := a.c.Prompt
	return ssh.KeyboardInteractive(func(name, instruction string, questions []string, echos []bool) ([]string, error) {
		// Logged as OpenSSH's logit: on stderr, escaped, hidden by -q.
		if name != "" {
			a.c.Log.Info("%s", name)
		}
		if instruction != "" {
			a.c.Log.Info("%s", instruction)
		}
		answers := make([]string, len(questions))
		for i, q := range questions {
			var err error
			// "(user@host) Password: ", as OpenSSH names whom a
			// keyboard-interactive question is for.
			q = fmt.Sprintf(msgKbdPrompt, a.c.Opts.User, a.promptHost(), q)
			if echos[i] {
				answers[i], err = p.Line(q)
			} else {
				answers[i], err = p.Secret(q)
			}
			if err != nil {
				a.kbdTries = a.tries()
				return nil, err
			}
		}
		return answers, nil
	})
}
