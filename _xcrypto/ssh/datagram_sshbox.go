// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import (
	"encoding/binary"
	"io"
)

// ReadDatagram reads the data of one SSH_MSG_CHANNEL_DATA message into p,
// as OpenSSH's datagram channels (tun@openssh.com) need: each message
// carries one packet, and Read would join the messages queued before it.
// A message longer than p is cut to len(p); the rest of it is dropped.
func (ch *channel) ReadDatagram(p []byte) (int, error) {
	b := ch.pending
	b.Cond.L.Lock()
	for len(b.head.buf) == 0 {
		if b.head != b.tail {
			b.head = b.head.next
			continue
		}
		if b.closed {
			b.Cond.L.Unlock()
			return 0, io.EOF
		}
		b.Cond.Wait()
	}
	// d is read after the unlock: its packet must not go back to the
	// pool (recycle_sshbox.go) when a later read moves past it.
	d := b.head.buf
	b.head.buf, b.head.pkt = nil, nil
	b.Cond.L.Unlock()
	n := copy(p, d)
	if err := ch.adjustWindow(uint32(len(d))); err != nil && err != io.EOF {
		return n, err
	}
	return n, nil
}

// WriteDatagram sends p as one SSH_MSG_CHANNEL_DATA message, waiting until
// the peer's window holds all of it: Write would split it where the window
// or the packet size ends, and the peer would take the pieces for packets.
// A p larger than the peer's maximum packet cannot be sent; like OpenSSH
// it is dropped (a zero count and no error).
func (ch *channel) WriteDatagram(p []byte) (int, error) {
	if ch.sentEOF {
		return 0, io.EOF
	}
	if len(p) == 0 || uint32(len(p)) > ch.maxRemotePayload {
		return 0, nil
	}
	w := ch.remoteWin
	need := uint32(len(p))
	w.L.Lock()
	for w.win < need && !w.closed {
		w.Wait()
	}
	if w.closed {
		w.L.Unlock()
		return 0, io.EOF
	}
	w.win -= need
	w.L.Unlock()
	packet := make([]byte, 9+len(p))
	packet[0] = msgChannelData
	binary.BigEndian.PutUint32(packet[1:], ch.remoteId)
	binary.BigEndian.PutUint32(packet[5:], need)
	copy(packet[9:], p)
	if err := ch.writePacket(packet); err != nil {
		return 0, err
	}
	return len(p), nil
}
