package server

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
)

// The client's identification line is checked before x/crypto reads it,
// so that a client that speaks something else (a port scanner, an
// SSH-1 client) gets OpenSSH's one-line answer and the log OpenSSH's two
// lines, instead of a silent close after our key exchange has started.

// maxIdentLine is RFC 4253's limit on the identification line.
const maxIdentLine = 255

var errBadIdent = errors.New("bad identification string")

// protocolVersion reads the protocol version at the start of
// "SSH-2.0-software": "SSH-", digits, ".", digits, "-". (By hand, not with
// a regular expression: the matcher allocates 32 KiB for every login the
// collector has emptied its pool for.) A number too large for an int
// reads as 0.
func protocolVersion(line []byte) (major, minor int, ok bool) {
	rest, ok := bytes.CutPrefix(line, []byte("SSH-"))
	if !ok {
		return 0, 0, false
	}
	if major, rest, ok = leadingNumber(rest, '.'); !ok {
		return 0, 0, false
	}
	if minor, _, ok = leadingNumber(rest, '-'); !ok {
		return 0, 0, false
	}
	return major, minor, true
}

// leadingNumber reads the digits at the start of b, which sep must follow.
func leadingNumber(b []byte, sep byte) (n int, rest []byte, ok bool) {
	i := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	if i == 0 || i == len(b) || b[i] != sep {
		return 0, nil, false
	}
	n, _ = strconv.Atoi(string(b[:i]))
	return n, b[i+1:], true
}

// identConn passes the connection through, judging the client's first
// line as it goes by.
type identConn struct {
	net.Conn
	line    []byte
	checked bool // the client's line has arrived and was judged
	// The bytes read and written, for the "Transferred:" line at the end
	// of a connection (OpenSSH's ssh_packet_get_bytes).
	received, sent atomic.Uint64
	// What went wrong, set when the line is refused: the reply for the
	// client and the log line.
	reply, logLine, reason string
}

func (ic *identConn) Read(p []byte) (int, error) {
	n, err := ic.Conn.Read(p)
	ic.received.Add(uint64(n))
	if ic.checked || n == 0 {
		return n, err
	}
	i := bytes.IndexByte(p[:n], '\n')
	if i < 0 {
		ic.line = append(ic.line, p[:n]...)
		if len(ic.line) > maxIdentLine {
			ic.refuse(ic.line[:maxIdentLine])
			return 0, ic.answer()
		}
		return n, err
	}
	line := p[:i] // judge keeps nothing of it
	if len(ic.line) > 0 {
		line = append(ic.line, line...)
	}
	ic.line, ic.checked = nil, true
	if !ic.judge(bytes.TrimSuffix(line, []byte("\r"))) {
		return 0, ic.answer()
	}
	return n, err
}

func (ic *identConn) Write(p []byte) (int, error) {
	n, err := ic.Conn.Write(p)
	ic.sent.Add(uint64(n))
	return n, err
}

// answer tells the client why, now: x/crypto closes the connection when
// the read fails. Our version line has gone out already (the server
// speaks first), nothing else has.
func (ic *identConn) answer() error {
	ic.Conn.Write([]byte(ic.reply))
	return errBadIdent
}

// judge accepts SSH-2.0 and SSH-1.99 (an SSH-2 client that also speaks
// SSH-1), as OpenSSH does.
func (ic *identConn) judge(line []byte) bool {
	major, minor, ok := protocolVersion(line)
	if !ok {
		ic.refuse(line)
		return false
	}
	if major == 2 || major == 1 && minor == 99 {
		return true
	}
	ic.reply = msgIdentVersionReply
	ic.logLine = fmt.Sprintf(msgIdentVersion, major)
	ic.reason = "could not read protocol version"
	return false
}

func (ic *identConn) refuse(line []byte) {
	ic.reply = msgIdentInvalidReply
	ic.logLine = fmt.Sprintf(msgIdentInvalid, octalEscape(line))
	ic.reason = "invalid format"
}

// octalEscape writes non-printable bytes as \ooo, so that what a client
// sent cannot forge log lines.
func octalEscape(b []byte) string {
	var out []byte
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '\\' {
			out = append(out, fmt.Sprintf("\\%03o", c)...)
			continue
		}
		out = append(out, c)
	}
	return string(out)
}
