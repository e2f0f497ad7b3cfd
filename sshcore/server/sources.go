package server

import (
	"errors"
	"net"
	"net/netip"

	"sshbox/configfmt"
	"sshbox/sshcore/srclimit"
)

// The per-source limits (PerSourceMaxStartups, PerSourcePenalties) of
// connections from a listener; sshd -i's single connection has no
// listener to refuse it and, as in OpenSSH, is neither counted nor
// penalised.

// notAllowed is what a refused client reads before the connection
// closes, as OpenSSH writes it.
const notAllowed = "Not allowed at this time\r\n"

// remoteAddr is the client's address as the source tables key it; ok is
// false for what is not an IP connection.
func remoteAddr(nc net.Conn) (netip.Addr, bool) {
	t, ok := nc.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return netip.Addr{}, false
	}
	a, ok := netip.AddrFromSlice(t.IP)
	return a.Unmap(), ok
}

// admitSource refuses a connection whose source is penalised or already
// has PerSourceMaxStartups unauthenticated connections; otherwise it
// counts the connection until c.authDone.
func (c *conn) admitSource(opts *configfmt.ServerOptions) bool {
	ip, ok := remoteAddr(c.nc)
	if !ok {
		return true
	}
	l := srclimit.LimitsOf(opts)
	if why := c.srv.sources.Refused(l, ip); why != "" {
		c.drop(why)
		return false
	}
	release, ok := c.srv.sources.Start(l, ip)
	if !ok {
		c.drop(whyMaxStartups)
		return false
	}
	prev := c.authDone
	c.authDone = func() { release(); prev() }
	return true
}

// drop refuses the connection for a reason of its source.
func (c *conn) drop(why string) {
	c.srv.mu.Lock()
	n := c.srv.preauth
	c.srv.mu.Unlock()
	c.srv.refuseConn(c.nc, n, why)
}

// refuseConn refuses nc before the version exchange (MaxStartups, the
// per-source limits), logged as OpenSSH's drop_connection logs it with n
// as the connection's number, and tells the client.
func (s *Server) refuseConn(nc net.Conn, n int, why string) {
	rip, rport := splitAddr(nc.RemoteAddr())
	lip, lport := splitAddr(nc.LocalAddr())
	s.log().Infof(msgDropConnection, n, rip, rport, lip, lport, why)
	nc.Write([]byte(notAllowed))
}

// preauthEnd classifies how a connection ended before a login, for
// PerSourcePenalties; err is what the handshake returned.
func (c *conn) preauthEnd(err error) srclimit.Kind {
	var ne net.Error
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case errors.Is(err, errLoginPanic):
		return srclimit.Crash
	case c.refusedByConfig:
		return srclimit.RefuseConnection
	case errors.As(err, &ne) && ne.Timeout():
		return srclimit.Grace
	case c.triedInvalid:
		return srclimit.InvalidUser
	case c.triedAuth:
		return srclimit.AuthFail
	}
	return srclimit.NoAuth
}

// penalise records the penalty of a connection that ended as k and logs
// it in OpenSSH's words.
func (c *conn) penalise(opts *configfmt.ServerOptions, k srclimit.Kind) {
	ip, ok := remoteAddr(c.nc)
	if !ok || !c.counted || opts == nil {
		return
	}
	ev, ok := c.srv.sources.Penalise(srclimit.LimitsOf(opts), ip, k)
	if !ok {
		return
	}
	log := c.srv.log()
	fam, secs := srclimit.FamilyName(ip), ev.Left.Seconds()
	switch {
	case ev.Full:
		log.Verbosef(msgPenaltyFull, fam, ev.Source, k.Reason())
	case ev.New && ev.Active:
		log.Infof(msgPenaltyNew, fam, ev.Source, "active", secs, k.Reason())
	case ev.New:
		log.Verbosef(msgPenaltyNew, fam, ev.Source, "deferred", secs, k.Reason())
	case ev.Activated:
		log.Infof(msgPenaltyActivate, ev.Source, fam, secs, k.Reason())
	default:
		state := "inactive"
		if ev.Active {
			state = "active"
		}
		log.Debugf(msgPenaltyExists, state, fam, ev.Source, int(secs))
	}
}
