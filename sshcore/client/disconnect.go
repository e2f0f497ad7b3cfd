package client

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/connend"
)

// How a connection ends is said in OpenSSH's words, naming the phase it
// was in: the banner (version) exchange, the key exchange and
// authentication, or the session.

// bannerConn watches the bytes the server sends until its version line
// ("SSH-...\n") has arrived, so that a failure can be placed before or
// after the banner exchange. After that it only passes bytes through.
type bannerConn struct {
	net.Conn
	line []byte // the start of the current line (reads are sequential)
	done atomic.Bool
	// The bytes read and written (Client.logTransferred).
	received, sent atomic.Uint64
}

func (b *bannerConn) Write(p []byte) (int, error) {
	n, err := b.Conn.Write(p)
	b.sent.Add(uint64(n))
	return n, err
}

func (b *bannerConn) Read(p []byte) (int, error) {
	n, err := b.Conn.Read(p)
	b.received.Add(uint64(n))
	for i := 0; i < n && !b.done.Load(); i++ {
		if p[i] != '\n' {
			if len(b.line) < 4 {
				b.line = append(b.line, p[i])
			}
			continue
		}
		b.done.Store(string(b.line) == "SSH-")
		b.line = b.line[:0]
	}
	return n, err
}

// bannerDone reports whether the server's version line has arrived.
func (b *bannerConn) bannerDone() bool { return b.done.Load() }

// remoteID is how OpenSSH names the peer in these messages: "IP port P".
func remoteID(conn interface{ RemoteAddr() net.Addr }, host string, port int) string {
	if ta, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		ip := ta.IP
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		return fmt.Sprintf("%s port %d", ip, ta.Port)
	}
	return fmt.Sprintf("%s port %d", host, port)
}

// disconnectEnd is what OpenSSH says when the server sent a disconnect:
// the error line packet.c logs on receiving it, then sshpkt_fatal's
// logdie. ok is false when err is not such an end.
func disconnectEnd(err error, peer string) (before, msg string, ok bool) {
	reason, desc, ok := connend.Disconnect(err)
	if !ok {
		return "", "", false
	}
	return fmt.Sprintf(msgRecvDisconnect, peer, reason, desc), fmt.Sprintf(msgDisconnected, peer), true
}

// isReset and isTimeout classify a transport error.
func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.EPIPE)
}

// transportEnd is the message for a connection that failed during the
// handshake for a transport reason (the other failures, host key,
// authentication, negotiation, have messages of their own), with the line
// OpenSSH's kex_exchange_identification logs before it while the banner
// exchange was under way; msg is "" when err is not such a failure.
func transportEnd(err error, conn *bannerConn, host string, port int) (before, msg string) {
	id := remoteID(conn, host, port)
	banner := !conn.bannerDone()
	switch {
	case isTimeout(err) && banner:
		return msgBannerTimeout, fmt.Sprintf(msgConnTimedOut, id)
	case isTimeout(err):
		return "", fmt.Sprintf(msgConnTimedOut, id)
	case isReset(err) && banner:
		return msgBannerReadReset, fmt.Sprintf(msgConnReset, id)
	case isReset(err):
		return "", fmt.Sprintf(msgConnReset, id)
	case isClosed(err) && banner:
		return msgBannerClosed, fmt.Sprintf(msgClosedBy, id)
	case isClosed(err):
		return "", fmt.Sprintf(msgClosedBy, id)
	case banner:
		// x/crypto's reasons ("ssh: overflow reading version string")
		// carry their own prefix: it is replaced, not doubled.
		why := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "ssh: handshake failed: "), "ssh: ")
		if strings.Contains(why, "overflow") {
			why = "banner line too long"
		}
		return msgBannerPrefix + why, fmt.Sprintf(msgBannerInvalid, id)
	}
	return "", ""
}

// watchConnection returns a channel that yields the error the connection
// ended with.
func (c *Client) watchConnection(conn *ssh.Client) <-chan error {
	done := make(chan error, 1)
	go func() { done <- c.connMACFailure(conn, conn.Wait()) }()
	return done
}

// connectionLostGrace is how long a session that ended without an exit
// status waits to learn whether the whole connection went with it: x/crypto
// closes the channels a moment before it reports why the connection ended.
const connectionLostGrace = 500 * time.Millisecond

// lostMessage is what ssh says when the connection ended under a session
// ("" when only the session's channel was closed).
func (c *Client) lostMessage(lost <-chan error) string {
	var err error
	select {
	case err = <-lost:
	case <-time.After(connectionLostGrace):
		return ""
	}
	host := c.Opts.HostName
	var mf *macFailure
	if before, msg, ok := disconnectEnd(err, c.peer); ok {
		// Logged, not a quit message: packet.c's error, then logdie.
		c.Log.Error("%s", before)
		c.Log.Info("%s", msg)
		return ""
	}
	switch {
	case errors.As(err, &mf):
		return mf.message()
	case err == nil || isClosed(err):
		return fmt.Sprintf(msgConnClosedRemote, host)
	case isReset(err):
		return fmt.Sprintf(msgReadFromRemote, host, "Connection reset by peer")
	}
	return fmt.Sprintf(msgReadFromRemote, host, err)
}
