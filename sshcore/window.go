package sshcore

import "golang.org/x/crypto/ssh"

// DefaultChannelWindow is the receive window x/crypto gives a channel, and
// so sshbox's unless Dropbear's -W says otherwise.
const DefaultChannelWindow = 2 << 20

// SetChannelWindow gives every channel of the connections made with cfg a
// receive window of n bytes (Dropbear's -W; 0 keeps the default). A plain
// go build, without scripts/xcrypto's SetChannelWindow, keeps x/crypto's
// window.
func SetChannelWindow(cfg *ssh.Config, n uint32) {
	if s, ok := any(cfg).(interface{ SetChannelWindow(uint32) }); ok && n > 0 {
		s.SetChannelWindow(n)
	}
}
