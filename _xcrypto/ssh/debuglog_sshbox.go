// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds, with the lines scripts/xcrypto puts into common.go,
// handshake.go, transport.go and client_auth.go to call it (sshbox's
// _xcrypto/README.md).

package ssh

import "strings"

// SetDebugLog has line called with what OpenSSH's ssh logs at debug1 of
// the messages x/crypto takes in by itself: each SSH_MSG_DEBUG the peer
// sends ("Remote: MESSAGE", RFC 4253 section 11.3; OpenSSH's sshd says
// with them what an authorized_keys line's options allow), and, on a
// client, the server's SSH_MSG_EXT_INFO and its extensions (RFC 8308:
// server-sig-algs, what the server takes for signatures) and the
// SSH_MSG_SERVICE_ACCEPT. line may be called from the connection's
// reading goroutine and must not block. sshbox finds this method by an
// interface assertion, so that a plain build, without it, still
// compiles.
func (c *Config) SetDebugLog(line func(string)) {
	c.debugLog = line
}

func (c *Config) debugf(s string) {
	if c.debugLog != nil {
		c.debugLog(s)
	}
}

// logExtension is OpenSSH's kex_input_ext_info line for one extension.
func (c *Config) logExtension(name string, value []byte) {
	switch name {
	case "server-sig-algs", "publickey-hostbound@openssh.com", "ping@openssh.com":
		c.debugf("kex_input_ext_info: " + name + "=<" + string(value) + ">")
	default:
		c.debugf("kex_input_ext_info: " + name + " (unrecognised)")
	}
}

// SendDebug sends the peer an SSH_MSG_DEBUG with message, not to be
// shown unless asked for (always_display false), as OpenSSH's sshd sends
// what a key's authorized_keys line allows; its ssh logs it at -v.
func (c *connection) SendDebug(message string) error {
	return c.transport.writePacket(append([]byte{msgDebug, 0}, Marshal(struct{ Message, Language string }{message, ""})...))
}

// passDebugLog gives the packet reader the connection's debug log, for
// the SSH_MSG_DEBUG messages it drops.
func (t *handshakeTransport) passDebugLog() {
	if tr, ok := t.conn.(*transport); ok {
		tr.debugLog = t.config.debugLog
	}
}

// debugMessage logs p when it is an SSH_MSG_DEBUG: boolean always_display,
// string message, string language tag. OpenSSH's ssh logs the message at
// debug1 whatever always_display says, cut at 900 bytes; the logger
// escapes what is not printable.
func (t *transport) debugMessage(p []byte) {
	if t.debugLog == nil || len(p) < 2 || p[0] != msgDebug {
		return
	}
	msg, _, ok := parseString(p[2:])
	if !ok {
		return
	}
	s := string(msg)
	if len(s) > 900 {
		s = s[:900]
	}
	t.debugLog("Remote: " + strings.TrimRight(s, "\r\n"))
}
