package server

import (
	"sync/atomic"
	"time"
)

// clientAlive sends keepalive@openssh.com requests every
// ClientAliveInterval; when ClientAliveCountMax of them in a row get no
// answer, the client is taken for gone and the connection closed (as
// OpenSSH's client_alive_check). Any answer, even a refusal, proves the
// client alive. It returns when the connection ends.
func (c *conn) clientAlive() {
	opts := c.user.opts
	if opts.ClientAliveInterval <= 0 {
		return
	}
	var missed atomic.Int32
	t := time.NewTicker(opts.ClientAliveInterval)
	defer t.Stop()
	for {
		select {
		case <-c.gone:
			return
		case <-t.C:
		}
		// ClientAliveCountMax 0 keeps sending without ever giving up,
		// as in OpenSSH.
		if int(missed.Add(1)) > opts.ClientAliveCountMax && opts.ClientAliveCountMax > 0 {
			c.srv.log().Infof(msgAliveTimeout, c.user.name, c.remoteIP, c.remotePort)
			c.nc.Close()
			return
		}
		go func() {
			if _, _, err := c.sshConn.SendRequest("keepalive@openssh.com", true, nil); err == nil {
				missed.Store(0)
			}
		}()
	}
}
