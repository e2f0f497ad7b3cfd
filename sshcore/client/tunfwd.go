package client

import (
	"errors"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/tun"
)

// Tunnel device forwarding (ssh -w, Tunnel, TunnelDevice): a local tun or
// tap device whose packets travel in a tun@openssh.com channel to one on
// the server. OpenSSH's ssh.c ssh_init_forwarding, clientloop.c
// client_request_tun_fwd and ssh_tun_confirm; the texts are theirs.

// tunOpenMsg is the channel open's payload: the mode and the server's unit.
type tunOpenMsg struct {
	Mode uint32
	Unit uint32
}

// tunnelMode is Tunnel as a mode; 0 for none.
func tunnelMode(t string) tun.Mode {
	switch t {
	case "point-to-point":
		return tun.PointToPoint
	case "ethernet":
		return tun.Ethernet
	}
	return 0
}

// startTunnel opens the local device and asks the server for its end. A
// failure is fatal only with ExitOnForwardFailure, as OpenSSH's.
func (c *Client) startTunnel(conn *ssh.Client) error {
	o := c.Opts
	mode := tunnelMode(o.Tunnel)
	if mode == 0 {
		return nil
	}
	c.Log.Debug1(msgTunRequesting, int32(o.TunnelLocal), mode)
	dev, name, err := tun.Open(o.TunnelLocal, mode)
	if err != nil {
		c.Log.Debug1("tun_open: %v", err)
		c.Log.Error("%s", msgTunOpenFailed)
		return c.fwdFailure(errors.New(msgTunRequestFailed))
	}
	c.Log.Debug1(msgTunUsing, name)
	c.tunName = name
	// The channel's number as OpenSSH's would be with no other channel
	// than the listeners of -L and -D before it (one each, where OpenSSH
	// may have one per address family).
	id := c.listenerCount()
	ch, reqs, err := conn.OpenChannel("tun@openssh.com", ssh.Marshal(tunOpenMsg{Mode: uint32(mode), Unit: o.TunnelRemote}))
	if err != nil {
		dev.Close()
		var oe *ssh.OpenChannelError
		if errors.As(err, &oe) {
			c.Log.Info(msgTunChannelFailed, id, oe.Reason, oe.Message)
		} else {
			c.Log.Info(msgTunChannelFailed, id, "open failed", err)
		}
		return c.fwdFailure(errors.New(msgTunFailed))
	}
	go ssh.DiscardRequests(reqs)
	d, err := tun.AsDatagrams(ch)
	if err != nil {
		dev.Close()
		ch.Close()
		return c.fwdFailure(err)
	}
	c.Log.Debug1(msgTunEstablished, id)
	go func() {
		tun.Relay(d, dev, mode)
		ch.Close()
	}()
	return nil
}

// listenerCount is the number of -L and -D forwardings held.
func (c *Client) listenerCount() int {
	c.fwdMu.Lock()
	defer c.fwdMu.Unlock()
	n := 0
	for _, h := range c.fwds {
		if h.f.Kind == 'L' || h.f.Kind == 'D' {
			n++
		}
	}
	return n
}
