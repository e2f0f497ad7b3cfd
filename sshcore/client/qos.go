package client

import (
	"net"
	"syscall"

	"sshbox/configfmt"
)

// setQoS marks the connection's packets with IPQoS's interactive or bulk
// TOS byte (IPv6: traffic class), as OpenSSH's ssh_packet_set_interactive
// does once it knows what the session is. Through a ProxyCommand or a
// jump host there is no socket of ours to mark.
func (c *Client) setQoS(interactive bool) {
	if c.tcp == nil {
		return
	}
	tos := c.Opts.IPQoSBulk
	if interactive {
		tos = c.Opts.IPQoSInteractive
	}
	if tos == configfmt.IPQoSNone {
		return
	}
	raw, err := c.tcp.SyscallConn()
	if err != nil {
		return
	}
	local, ok := c.tcp.LocalAddr().(*net.TCPAddr)
	v6 := ok && local.IP.To4() == nil
	raw.Control(func(fd uintptr) {
		if v6 {
			err = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_TCLASS, tos)
		} else {
			err = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_TOS, tos)
		}
	})
	if err != nil {
		c.Log.Debug1("setsockopt IP_TOS %d: %v", tos, err)
	}
}
