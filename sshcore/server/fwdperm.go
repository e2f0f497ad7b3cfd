package server

import (
	"strings"

	"sshbox/configfmt"
)

// Who may forward what, decided as OpenSSH's serverloop.c and channels.c
// decide it. Each kind of forwarding needs all of: the sshd_config switch
// for its direction (AllowTcpForwarding, AllowStreamLocalForwarding,
// AllowAgentForwarding), DisableForwarding off, and the login's own
// permission (authorized_keys no-port-forwarding / no-agent-forwarding /
// restrict, or a certificate without permit-port-forwarding /
// permit-agent-forwarding). TCP destinations are then checked against
// both the administrator's list (PermitOpen, PermitListen) and the key's
// (permitopen=, permitlisten=): both must allow.

// directionAllowed reads AllowTcpForwarding / AllowStreamLocalForwarding
// ("yes", "all", "no", "local", "remote") for one direction.
func directionAllowed(setting, direction string) bool {
	switch strings.ToLower(setting) {
	case "yes", "all", "":
		return true
	}
	return strings.EqualFold(setting, direction)
}

// keyAllowsPortForwarding is false when authorized_keys options or the
// certificate forbid port forwarding; OpenSSH's permit_port_forwarding_flag
// covers TCP and Unix-socket forwarding alike.
func (c *conn) keyAllowsPortForwarding() bool {
	return c.auth == nil || !c.auth.NoPortForwarding
}

// tcpForwardingAllowed: ssh -L ("local") or ssh -R ("remote") with TCP.
func (c *conn) tcpForwardingAllowed(direction string) bool {
	o := c.user.opts
	return !o.DisableForwarding && directionAllowed(o.AllowTcpForwarding, direction) && c.keyAllowsPortForwarding()
}

// streamLocalAllowed: ssh -L or -R with a Unix socket on the server.
func (c *conn) streamLocalAllowed(direction string) bool {
	o := c.user.opts
	return !o.DisableForwarding && directionAllowed(o.AllowStreamLocalForwarding, direction) && c.keyAllowsPortForwarding()
}

// agentForwardingAllowed: ssh -A.
func (c *conn) agentForwardingAllowed() bool {
	o := c.user.opts
	return !o.DisableForwarding && o.AllowAgentForwarding && (c.auth == nil || !c.auth.NoAgentForwarding)
}

// x11ForwardingAllowed: ssh -X or -Y (the authorized_keys option
// no-x11-forwarding, restrict, or a certificate without
// permit-X11-forwarding forbid it).
func (c *conn) x11ForwardingAllowed() bool {
	o := c.user.opts
	return !o.DisableForwarding && o.X11Forwarding && (c.auth == nil || !c.auth.NoX11Forwarding)
}

// openPermitted is PermitOpen and permitopen= for a direct-tcpip request.
// OpenSSH compares the host as the client sent it, byte for byte; only
// "*" is a wildcard.
func (c *conn) openPermitted(host string, port uint32) bool {
	match := func(entry string) bool { return configfmt.OpenEntryMatches(entry, host, int(port)) }
	var user []string
	if c.auth != nil {
		user = c.auth.PermitOpen
	}
	return permitLists(c.user.opts.PermitOpen, user, match)
}

// listenPermitted is PermitListen and permitlisten= for a tcpip-forward
// request. Unlike PermitOpen, the host is a pattern matched against the
// lower-cased address the client asked for, and a bare port allows any
// address.
func (c *conn) listenPermitted(host string, port uint32) bool {
	lhost := strings.ToLower(host)
	match := func(entry string) bool {
		h, p, err := configfmt.ParsePermitEntry(entry, true)
		return err == nil && (p == configfmt.PermitAnyPort || p == int(port)) && configfmt.MatchPattern(lhost, h)
	}
	var user []string
	if c.auth != nil {
		user = c.auth.PermitListen
	}
	return permitLists(c.user.opts.PermitListen, user, match)
}

// permitLists applies the administrator's list (empty or "any": no limit;
// "none": nothing) and the key's list (no entries: no limit); both must
// allow. An entry that does not parse matches nothing, so a mistake only
// ever forbids more.
func permitLists(admin, user []string, match func(string) bool) bool {
	return listAllows(admin, true, match) && listAllows(user, false, match)
}

func listAllows(list []string, keywords bool, match func(string) bool) bool {
	if len(list) == 0 {
		return true
	}
	for _, e := range list {
		if keywords && e == "any" {
			return true
		}
		if keywords && e == "none" {
			return false
		}
		if match(e) {
			return true
		}
	}
	return false
}
