package server

import (
	"sshbox/configfmt"
	"sshbox/sshcore/srclimit"
)

// The ssh2 dialect's AllowHosts, DenyHosts and RequireReverseMapping
// (configfmt/ssh2srv.go): decided once the client's name is known and
// before the version exchange, so that a refused host gets no key
// exchange and no authentication prompt. The name is the one UseDNS found
// (usedns.go); with UseDNS no it is looked up (conn.serve, clientName) when
// a pattern could match a name, but Match Host and the other host
// patterns still see the address only, as UseDNS no says.

// admitHost reports whether the client may go on; if not, it logs why and
// counts the refusal against the source, as RefuseConnection does.
func (c *conn) admitHost(opts *configfmt.ServerOptions) bool {
	name := c.matchConn("").Name
	why := ""
	if opts.RequireReverseMapping && name == "" {
		why = whyNoReverseMapping
	} else if ok, list := opts.HostAllowed(c.remoteIP, name); !ok {
		why = list
	}
	if why == "" {
		return true
	}
	host := name
	if host == "" {
		host = c.remoteIP
	}
	c.srv.log().Infof(msgHostRefused, host, c.remoteIP, c.remotePort, why)
	c.penalise(opts, srclimit.RefuseConnection)
	return false
}
