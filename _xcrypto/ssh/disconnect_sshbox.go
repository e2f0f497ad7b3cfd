// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

// Disconnect sends SSH_MSG_DISCONNECT with reason and message, then closes
// the connection: how OpenSSH's ssh leaves when it is done (reason 11,
// "disconnected by user"), which the server logs as the client's normal
// end ("Received disconnect from ...: 11: disconnected by user") where a
// bare close reads as a connection lost. A connection already gone just
// closes.
//
// A message written during a key exchange waits in the transport's queue
// until the exchange ends (handshakeTransport.writePacket): Disconnect
// waits for it to go out before closing, or the close would drop it (the
// server then logs a lost connection, and a reset when its own key
// exchange messages were left unread). The caller bounds the wait
// (sshbox's connend.End).
func (c *connection) Disconnect(reason uint32, message string) error {
	err := c.transport.writePacket(Marshal(&disconnectMsg{Reason: reason, Message: message}))
	if h, ok := c.transport.(*handshakeTransport); ok && err == nil {
		h.waitPending()
	}
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return err
}

// waitPending waits until no packet is queued behind a key exchange: the
// exchange has ended and kexLoop has sent the queue, or the transport has
// failed or stopped.
func (t *handshakeTransport) waitPending() {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		// kexLoop does not wake writers when it stops on a read error.
		select {
		case <-t.kexLoopDone:
			t.mu.Lock()
			t.writeCond.Broadcast()
			t.mu.Unlock()
		case <-stop:
		}
	}()
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.pendingPackets) > 0 && t.writeError == nil && !isClosed(t.kexLoopDone) {
		t.writeCond.Wait()
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
