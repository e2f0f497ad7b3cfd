package server

import (
	"time"

	"golang.org/x/crypto/ssh"
)

// syncGlobal waits until the global requests the client sent before this
// call are answered. x/crypto hands global requests and channel requests
// to different goroutines, so a session's exit status could otherwise
// overtake the answer to a request the client sent before the session's
// exec; an OpenSSH client running one command ("ssh host true") leaves at
// the exit status and drops the UpdateHostKeys proof still on its way,
// where OpenSSH's sshd, one loop for everything, answers in order.
func (c *conn) syncGlobal() {
	done := make(chan struct{})
	select {
	case c.globalSync <- done:
	case <-c.gone:
		return
	case <-time.After(time.Second):
		// The loop is busy opening a channel: the exit status is not
		// held up for it.
		return
	}
	select {
	case <-done:
	case <-c.gone:
	}
}

// nextGlobal waits for the next global request (nil once reqs is closed),
// serving the syncGlobal calls that come meanwhile: the requests already
// queued are answered with handle, then the caller is released.
func (c *conn) nextGlobal(reqs <-chan *ssh.Request, handle func(*ssh.Request)) *ssh.Request {
	for {
		select {
		case req, ok := <-reqs:
			if !ok {
				return nil
			}
			return req
		case done := <-c.globalSync:
			drainGlobal(reqs, func(r *ssh.Request) bool { handle(r); return true })
			close(done)
		}
	}
}

// drainGlobal answers the requests already queued on reqs, without
// waiting for more; it stops early when handle says the rest are no
// longer its to take.
func drainGlobal(reqs <-chan *ssh.Request, handle func(*ssh.Request) (more bool)) {
	for {
		select {
		case req, ok := <-reqs:
			if !ok || !handle(req) {
				return
			}
		default:
			return
		}
	}
}
