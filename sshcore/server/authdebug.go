package server

import (
	"fmt"
	"strconv"
	"strings"

	"sshbox/configfmt"
)

// What OpenSSH's sshd tells a client about the authorized_keys line that
// let its key in (auth.c's auth_log_authopts): a summary of what the line
// allows, and its environment= values when PermitUserEnvironment takes
// them, each time the key was found during the login (the client's query,
// then its signature), sent once the login has succeeded as SSH_MSG_DEBUG
// messages, which OpenSSH's ssh shows at -v as "Remote: FILE:LINE: key
// options: agent-forwarding port-forwarding pty user-rc x11-forwarding".
// sshd's own log gets them at DEBUG1, with the details OpenSSH keeps
// local: the expiry time, principals, forced command and permitted
// destinations.

// debugSender is x/crypto's connection with _xcrypto's SendDebug; a plain
// build has none and sends nothing.
type debugSender interface{ SendDebug(message string) error }

// sendDebug sends the client an SSH_MSG_DEBUG once it has logged in, as
// OpenSSH's ssh_packet_send_debug does where it refuses something the
// client asked for ("Server has rejected tunnel device forwarding"): its
// ssh shows it at -v as "Remote: MESSAGE".
func (c *conn) sendDebug(msg string) {
	if s, ok := c.sshConn.Conn.(debugSender); ok {
		s.SendDebug(msg)
	}
}

// sendAuthDebug sends and logs the lines for each key found, with the
// user's options (Match blocks applied) deciding what is shown.
func (c *conn) sendAuthDebug(opts *configfmt.ServerOptions, found []*keyOptions) {
	log := c.srv.log()
	for _, ko := range found {
		remote, local := keyOptionLines(fmt.Sprintf("%s:%d", ko.atFile, ko.atLine), ko, opts)
		for _, l := range remote {
			log.Debugf("%s", l)
			c.sendDebug(l)
		}
		for _, l := range local {
			log.Debugf("%s", l)
		}
	}
}

// keyOptionLines are auth_log_authopts' lines for the options of the line
// at loc: those it sends to the client, then those it only logs.
func keyOptionLines(loc string, ko *keyOptions, opts *configfmt.ServerOptions) (remote, local []string) {
	env := opts.PermitUserEnvironment && len(ko.Environment) > 0
	open := len(ko.PermitOpen) > 0 && directionAllowed(opts.AllowTcpForwarding, "local")
	listen := len(ko.PermitListen) > 0 && directionAllowed(opts.AllowTcpForwarding, "remote")
	var b strings.Builder
	b.WriteString("key options:")
	add := func(on bool, word string) {
		if on {
			b.WriteString(word)
		}
	}
	// OpenSSH's order, and its words: "expires" has no space before it.
	add(!ko.NoAgentForwarding, " agent-forwarding")
	add(ko.HasCommand, " command")
	add(env, " environment")
	add(!ko.ExpiryTime.IsZero(), "expires")
	add(open, " permitopen")
	add(listen, " permitlisten")
	add(!ko.NoPortForwarding, " port-forwarding")
	add(len(ko.Principals) > 0, " principals")
	add(!ko.NoPty, " pty")
	add(ko.ForceTun, " tun="+strconv.FormatUint(uint64(ko.TunDevice), 10))
	add(!ko.NoUserRC, " user-rc")
	add(!ko.NoX11Forwarding, " x11-forwarding")
	remote = append(remote, loc+": "+b.String())
	if env {
		for _, e := range ko.Environment {
			remote = append(remote, loc+": environment: "+e)
		}
	}
	if !ko.ExpiryTime.IsZero() {
		local = append(local, loc+": expires at "+ko.ExpiryTime.Format("2006-01-02T15:04:05"))
	}
	if len(ko.Principals) > 0 {
		local = append(local, fmt.Sprintf("%s: authorized principals: \"%s\"", loc, strings.Join(ko.Principals, ",")))
	}
	if ko.HasCommand {
		local = append(local, fmt.Sprintf("%s: forced command: \"%s\"", loc, ko.Command))
	}
	if open {
		for _, p := range ko.PermitOpen {
			local = append(local, loc+": permitted open: "+p)
		}
	}
	if listen {
		for _, p := range ko.PermitListen {
			local = append(local, loc+": permitted listen: "+p)
		}
	}
	return remote, local
}
