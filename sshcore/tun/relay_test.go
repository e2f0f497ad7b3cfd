//go:build linux

package tun

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// fakeChannel is a datagram channel: what Relay sends arrives on sent,
// what in holds is read, one message a ReadDatagram.
type fakeChannel struct {
	in   chan []byte
	sent chan []byte
}

func (f *fakeChannel) ReadDatagram(p []byte) (int, error) {
	d, ok := <-f.in
	if !ok {
		return 0, io.EOF
	}
	return copy(p, d), nil
}

func (f *fakeChannel) WriteDatagram(p []byte) (int, error) {
	f.sent <- append([]byte(nil), p...)
	return len(p), nil
}

// packetPair stands for a device: a SOCK_SEQPACKET pair keeps each
// packet whole, as a tun device does. dev is Relay's end.
func packetPair(t *testing.T) (dev, far *os.File) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	return os.NewFile(uintptr(fds[0]), "dev"), os.NewFile(uintptr(fds[1]), "far")
}

// TestRelayHeader: OpenSSH's channel format for tunnels on Linux (its
// port-tun.c): point-to-point packets carry a 4-byte big-endian address
// family, OpenBSD's numbers (AF_INET 2, AF_INET6 24), added on the way to
// the channel and stripped on the way to the device; Ethernet frames go
// bare. Each packet is one message.
func TestRelayHeader(t *testing.T) {
	v4 := append([]byte{0x45, 0}, bytes.Repeat([]byte{1}, 18)...)
	v6 := append([]byte{0x60, 0}, bytes.Repeat([]byte{2}, 38)...)
	frame := bytes.Repeat([]byte{3}, 60)
	for _, c := range []struct {
		mode      Mode
		packet    []byte
		onChannel []byte
	}{
		{PointToPoint, v4, append([]byte{0, 0, 0, 2}, v4...)},
		{PointToPoint, v6, append([]byte{0, 0, 0, 24}, v6...)},
		{Ethernet, frame, frame},
	} {
		dev, far := packetPair(t)
		ch := &fakeChannel{in: make(chan []byte, 4), sent: make(chan []byte, 4)}
		done := make(chan struct{})
		go func() { Relay(ch, dev, c.mode); close(done) }()

		far.Write(c.packet)
		select {
		case got := <-ch.sent:
			if !bytes.Equal(got, c.onChannel) {
				t.Errorf("mode %d: to the channel % x, want % x", c.mode, got, c.onChannel)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("mode %d: nothing reached the channel", c.mode)
		}

		ch.in <- c.onChannel
		if c.mode == PointToPoint {
			ch.in <- []byte{0, 0, 2} // shorter than the header: dropped
		}
		ch.in <- c.onChannel
		buf := make([]byte, 256)
		for i := 0; i < 2; i++ {
			far.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, err := far.Read(buf)
			if err != nil || !bytes.Equal(buf[:n], c.packet) {
				t.Errorf("mode %d: to the device % x (%v), want % x", c.mode, buf[:n], err, c.packet)
			}
		}

		// The channel's end ends the relay, and closes the device.
		close(ch.in)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("mode %d: Relay did not end with the channel", c.mode)
		}
		far.Close()
	}
}
