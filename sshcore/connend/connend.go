// Package connend is how SSH connections end, in OpenSSH's terms: it reads
// x/crypto/ssh's errors for the SSH_MSG_DISCONNECT a peer ended with
// (packet.c's "Received disconnect from ...") and for algorithm lists with
// nothing in common (kex.c's "no matching ... found. Their offer: ..."),
// which the client and sshd both log in the same words; and it leaves a
// connection as OpenSSH's ssh leaves one (Leave).
package connend

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Disconnect reads the SSH_MSG_DISCONNECT the peer ended the connection
// with out of x/crypto's error ("ssh: disconnect, reason N: %q", its only
// form; the type is unexported): the reason code and the description as
// OpenSSH prints it, a C string of at most 400 bytes (packet.c's
// "%.400s").
func Disconnect(err error) (reason uint64, desc string, ok bool) {
	if err == nil {
		return 0, "", false
	}
	const mark = "ssh: disconnect, reason "
	s := err.Error()
	i := strings.Index(s, mark)
	if i < 0 {
		return 0, "", false
	}
	num, quoted, found := strings.Cut(s[i+len(mark):], ": ")
	if !found {
		return 0, "", false
	}
	reason, err1 := strconv.ParseUint(num, 10, 32)
	desc, err2 := strconv.Unquote(quoted)
	if err1 != nil || err2 != nil {
		return 0, "", false
	}
	if j := strings.IndexByte(desc, 0); j >= 0 {
		desc = desc[:j]
	}
	if len(desc) > 400 {
		desc = desc[:400]
	}
	return reason, desc, true
}

// ByApplication is SSH_DISCONNECT_BY_APPLICATION, the reason OpenSSH's
// client gives when it leaves normally; sshd logs it at INFO and every
// other reason at ERROR.
const ByApplication = 11

// ProtocolError is SSH_DISCONNECT_PROTOCOL_ERROR, the reason of OpenSSH's
// ssh_packet_disconnect.
const ProtocolError = 2

// Leave ends a connection as OpenSSH's ssh does when it is done:
// SSH_MSG_DISCONNECT, reason 11, "disconnected by user", then the close,
// so that the server logs a normal end rather than a connection lost.
// Only x/crypto with _xcrypto/ can send it (Disconnect); a plain build
// closes.
//
// The message waits at most leaveWait: a peer that stopped reading (a
// full send buffer) or a key exchange that will never finish must not
// keep ssh from exiting, so then the connection is just closed.
func Leave(conn ssh.Conn) error {
	return End(conn, ByApplication, "disconnected by user")
}

// End ends a connection with SSH_MSG_DISCONNECT, reason and message, then
// the close, waiting for the message as Leave does.
func End(conn ssh.Conn, reason uint32, message string) error {
	d, ok := conn.(interface{ Disconnect(uint32, string) error })
	if !ok {
		return conn.Close()
	}
	done := make(chan error, 1)
	go func() { done <- d.Disconnect(reason, message) }()
	t := time.NewTimer(leaveWait)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return conn.Close()
	}
}

// leaveWait bounds Leave's wait for its disconnect message to be written.
const leaveWait = time.Second

// Negotiation says why the key exchange found no common algorithm, as
// OpenSSH's kex.c does: "no matching cipher found. Their offer: a,b". ok
// is false when err is not such a failure.
func Negotiation(err error) (msg string, ok bool) {
	var ne *ssh.AlgorithmNegotiationError
	if !errors.As(err, &ne) {
		return "", false
	}
	what := strings.ToLower(ne.What)
	switch {
	case strings.Contains(what, "key exchange"):
		what = "key exchange method"
	case strings.Contains(what, "host key"):
		what = "host key type"
	case strings.Contains(what, "cipher"):
		what = "cipher"
	case strings.Contains(what, "mac"):
		what = "MAC"
	case strings.Contains(what, "compression"):
		what = "compression method"
	default:
		what = ne.What
	}
	return "no matching " + what + " found. Their offer: " + strings.Join(ne.RequestedAlgorithms, ","), true
}
