package server

import "net"

// The ssh2 dialect's MaxConnections (configfmt/ssh2srv.go): the number of
// connections from the listeners that sshd serves at once, authenticated
// or not; one more is refused before the version exchange, as MaxStartups
// refuses, and logged the same way. Every connection from a listener is
// counted, whatever the limit, so that a limit a SIGHUP brings in counts
// the connections already open. sshd -i's one connection is not counted.

// admitConnection counts a connection, or refuses it when max (0: no
// limit) are open already. The returned function ends the count when the
// connection ends.
func (s *Server) admitConnection(nc net.Conn, max int) (done func(), ok bool) {
	s.mu.Lock()
	if max > 0 && s.open >= max {
		s.dropped++
		count := s.dropped
		s.mu.Unlock()
		s.refuseConn(nc, count, whyMaxConnections)
		return nil, false
	}
	s.open++
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.open--
		s.mu.Unlock()
	}, true
}
