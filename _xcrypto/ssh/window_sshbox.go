// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds, with the lines scripts/xcrypto puts into common.go and
// channel.go to call it (sshbox's _xcrypto/README.md).

package ssh

// SetChannelWindow sets the receive window every channel of a connection
// made with this Config offers its peer, in bytes: how much the peer may
// send before this side has read it, and so the most a channel's buffer
// holds. 0 keeps x/crypto's 2 MiB. Dropbear's -W sets this (its default
// is 24 KiB): a small window holds a channel's memory down on a small
// system, at the cost of a round trip per window's worth of data. sshbox
// finds this method by an interface assertion, so that a plain build,
// without it, still compiles.
func (c *Config) SetChannelWindow(n uint32) {
	c.channelWindow = n
}

// initialWindow is the window the connection's channels start with.
func (m *mux) initialWindow() uint32 {
	if t, ok := m.conn.(*handshakeTransport); ok && t.config.channelWindow > 0 {
		return t.config.channelWindow
	}
	return channelWindowSize
}

// adjustAfter is how much must have been read from the channel before its
// window is credited back: three packets' worth (the rule sshbox's copy
// has, see scripts/xcrypto), or half the window when that is less, so
// that a small window is credited before the peer has used it up.
func (c *channel) adjustAfter() uint32 {
	return min(3*channelMaxPacket, c.mux.initialWindow()/2)
}
