package server

import (
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/asuser"
	"sshbox/sshcore/loglevel"
	"sshbox/sshcore/tun"
)

// tun@openssh.com (ssh -w): the client asks for a tun or tap device on
// this side, and the channel carries its packets (OpenSSH's PROTOCOL,
// "Tunnel forward"; serverloop.c server_request_tun).

// tunOpenMsg is the channel open's payload: the mode, then the unit
// wanted, or tun.Any.
type tunOpenMsg struct {
	Mode uint32
	Unit uint32
}

// tunModesPermitted is PermitTunnel as the modes it allows: yes allows
// both, as OpenSSH's SSH_TUNMODE_YES is the two bits together.
func tunModesPermitted(permit string) tun.Mode {
	switch permit {
	case "yes":
		return tun.PointToPoint | tun.Ethernet
	case "point-to-point":
		return tun.PointToPoint
	case "ethernet":
		return tun.Ethernet
	}
	return 0
}

// tunForwarding answers a tun@openssh.com open. As OpenSSH, only
// PermitTunnel and the key's tunnel="n" govern it: no-port-forwarding,
// restrict and DisableForwarding do not (sshd_config(5) lists what
// DisableForwarding covers: X11, agent, TCP and StreamLocal). Every
// refusal is OpenSSH's (serverloop.c's default for a channel it did not
// open): "connect failed", with the message "open failed".
func (c *conn) tunForwarding(nch ssh.NewChannel) {
	var m tunOpenMsg
	if err := ssh.Unmarshal(nch.ExtraData(), &m); err != nil {
		nch.Reject(ssh.ConnectionFailed, "open failed")
		return
	}
	mode := tun.Mode(m.Mode)
	if mode != tun.PointToPoint && mode != tun.Ethernet {
		c.refusedAt(loglevel.Debug1, msgTunBadMode, m.Mode)
		c.sendDebug(msgTunBadModeRemote)
		nch.Reject(ssh.ConnectionFailed, "open failed")
		return
	}
	if tunModesPermitted(c.user.opts.PermitTunnel)&mode == 0 {
		c.refused(msgTunRefused, tunModeText(mode), c.user.name, c.remoteIP, c.remotePort)
		c.sendDebug(msgTunRejectedRemote)
		nch.Reject(ssh.ConnectionFailed, "open failed")
		return
	}
	if !tun.Supported(nch) {
		c.srv.log().Errorf(msgTunOpenFailed, tun.UnitText(m.Unit), tunModeText(mode), tun.ErrUnsupported)
		c.sendDebug(msgTunFailedRemote)
		nch.Reject(ssh.ConnectionFailed, "open failed")
		return
	}
	unit := m.Unit
	if c.auth != nil && c.auth.ForceTun {
		forced := c.auth.TunDevice
		if unit != tun.Any && unit != forced {
			c.refused(msgTunKeyDevice, tun.UnitText(unit), tun.UnitText(forced))
			c.sendDebug(msgTunFailedRemote)
			nch.Reject(ssh.ConnectionFailed, "open failed")
			return
		}
		unit = forced
	}
	// Opened here, before the next channel open is read, as OpenSSH
	// does: a session the client opens after the tunnel sees its device
	// in SSH_TUNNEL. Opening a device is quick; no network is waited on.
	dev, name, err := asuser.OpenTun(c.user.acct.cred(), unit, mode)
	if err != nil {
		c.srv.log().Infof(msgTunOpenFailed, tun.UnitText(unit), tunModeText(mode), err)
		c.sendDebug(msgTunFailedRemote)
		nch.Reject(ssh.ConnectionFailed, "open failed")
		return
	}
	ch, reqs, err := nch.Accept()
	if err != nil {
		dev.Close()
		return
	}
	go ssh.DiscardRequests(reqs)
	d, err := tun.AsDatagrams(ch)
	if err != nil { // Supported said otherwise: cannot happen
		c.srv.log().Errorf(msgTunOpenFailed, tun.UnitText(unit), tunModeText(mode), err)
		dev.Close()
		ch.Close()
		return
	}
	c.srv.log().Debugf(msgTunUsing, name)
	c.addTunName(name)
	c.sessions.Add(1)
	go func() {
		defer c.sessions.Done()
		defer c.recoverPanic()
		tun.Relay(d, dev, mode)
		ch.Close()
	}()
}

// addTunName records a device for the sessions' SSH_TUNNEL, as OpenSSH's
// tun_fwd_ifnames: the names forwarded so far, comma separated.
func (c *conn) addTunName(name string) {
	c.mu.Lock()
	c.tunNames = append(c.tunNames, name)
	c.mu.Unlock()
}

// tunnelEnv is SSH_TUNNEL's value, "" when no device was forwarded.
func (c *conn) tunnelEnv() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.tunNames, ",")
}

func tunModeText(m tun.Mode) string {
	if m == tun.Ethernet {
		return "ethernet"
	}
	return "point-to-point"
}
