package client

import (
	"sshbox/configfmt"
	"sshbox/internal/ipqos"
)

// setQoS marks the connection's packets with IPQoS's interactive or bulk
// value, as OpenSSH's ssh_packet_set_interactive does once it knows what
// the session is. Through a ProxyCommand or a jump host there is no
// socket of ours to mark.
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
	if err := ipqos.Set(c.tcp, tos); err != nil {
		c.Log.Debug1("setsockopt IP_TOS %d: %v", tos, err)
	}
}
