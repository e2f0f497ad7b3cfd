package server

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
)

// The client's identification line is checked before x/crypto reads it,
// so that a client that speaks something else (a port scanner, an
// SSH-1 client) gets OpenSSH's one-line answer and the log OpenSSH's two
// lines, instead of a silent close after our key exchange has started.

// maxIdentLine is RFC 4253's limit on the identification line.
const maxIdentLine = 255

var errBadIdent = errors.New("bad identification string")

// identVersion takes the protocol version from "SSH-2.0-software".
var identVersion = regexp.MustCompile(`^SSH-([0-9]+)\.([0-9]+)-`)

// identConn passes the connection through, judging the client's first
// line as it goes by.
type identConn struct {
	net.Conn
	line    []byte
	checked bool
	// What went wrong, set when the line is refused: the reply for the
	// client and the log line.
	reply, logLine, reason string
}

func (ic *identConn) Read(p []byte) (int, error) {
	n, err := ic.Conn.Read(p)
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
	ic.line = append(ic.line, p[:i]...)
	ic.checked = true
	if !ic.judge(bytes.TrimSuffix(ic.line, []byte("\r"))) {
		return 0, ic.answer()
	}
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
	m := identVersion.FindSubmatch(line)
	if m == nil {
		ic.refuse(line)
		return false
	}
	major, _ := strconv.Atoi(string(m[1]))
	minor, _ := strconv.Atoi(string(m[2]))
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
