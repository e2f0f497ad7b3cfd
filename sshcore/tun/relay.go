package tun

import (
	"encoding/binary"
	"errors"
	"os"
	"sync"
	"syscall"

	"golang.org/x/crypto/ssh"
)

// Datagrams is what a channel needs to carry tun@openssh.com: OpenSSH's
// "tun" channels are datagram channels, one packet per SSH_MSG_CHANNEL_DATA
// message, where an ssh.Channel is a byte stream that joins and splits
// messages. sshbox's builds add the two methods to x/crypto's channel
// (_xcrypto/ssh/datagram_sshbox.go); a plain `go build` lacks them, and
// there tunnel forwarding is refused (AsDatagrams).
type Datagrams interface {
	ReadDatagram(p []byte) (int, error)
	WriteDatagram(p []byte) (int, error)
}

// ErrUnsupported: this build's x/crypto cannot keep packet boundaries.
var ErrUnsupported = errors.New("this build of sshbox cannot forward tunnel devices (built without scripts/xcrypto)")

// AsDatagrams finds the datagram methods on a channel, or reports
// ErrUnsupported. The wrappers sshbox puts around channels (idle and
// channel timeouts, channel counting) pass the methods on through
// ReadDatagram and WriteDatagram below, so an empty write, which sends
// nothing, asks the channel underneath.
func AsDatagrams(ch any) (Datagrams, error) {
	d, ok := ch.(Datagrams)
	if !ok {
		return nil, ErrUnsupported
	}
	if _, err := d.WriteDatagram(nil); errors.Is(err, ErrUnsupported) {
		return nil, err
	}
	return d, nil
}

// Opening is what Supported looks through: a wrapper of a channel open
// (sshd's channel counting) gives the one it wraps.
type Opening interface{ UnwrapNewChannel() ssh.NewChannel }

// Supported reports whether a channel open, once accepted, can carry
// datagrams: whether x/crypto's channel underneath has the methods. It
// lets sshd refuse before it opens a device or accepts the channel.
func Supported(nch ssh.NewChannel) bool {
	for {
		if _, ok := nch.(Datagrams); ok {
			return true
		}
		w, ok := nch.(Opening)
		if !ok {
			return false
		}
		nch = w.UnwrapNewChannel()
	}
}

// ReadDatagram is a wrapper's ReadDatagram: the wrapped channel's.
func ReadDatagram(ch any, p []byte) (int, error) {
	if d, ok := ch.(Datagrams); ok {
		return d.ReadDatagram(p)
	}
	return 0, ErrUnsupported
}

// WriteDatagram is a wrapper's WriteDatagram: the wrapped channel's.
func WriteDatagram(ch any, p []byte) (int, error) {
	if d, ok := ch.(Datagrams); ok {
		return d.WriteDatagram(p)
	}
	return 0, ErrUnsupported
}

// The address family header of point-to-point packets on the channel.
// OpenSSH started on OpenBSD, whose tun devices put the address family in
// front of each packet, and its channel format kept it: 4 bytes, big
// endian, OpenBSD's numbers. On Linux (IFF_NO_PI) OpenSSH adds it to what
// it reads from the device and strips it from what it writes
// (port-tun.c, SSH_TUN_PREPEND_AF and SSH_TUN_COMPAT_AF); Ethernet frames
// go as they are.
const (
	afHeader      = 4
	openbsdInet   = 2
	openbsdInet6  = 24
	maxPacketSize = 65536 // a tun read is one packet, at most the MTU's 64 KiB
)

// Relay moves packets between dev and ch until either ends: the channel
// closes (or the connection goes), or the device fails. It closes dev.
func Relay(ch Datagrams, dev *os.File, mode Mode) {
	var once sync.Once
	stop := func() { once.Do(func() { dev.Close() }) }
	done := make(chan struct{})
	go func() {
		defer close(done)
		fromChannel(ch, dev, mode)
		stop() // ends toChannel's Read
	}()
	toChannel(ch, dev, mode)
	stop()
	<-done
}

// fromChannel writes each message's packet to the device.
func fromChannel(ch Datagrams, dev *os.File, mode Mode) {
	buf := make([]byte, afHeader+maxPacketSize)
	for {
		n, err := ch.ReadDatagram(buf)
		if err != nil {
			return
		}
		p := buf[:n]
		if mode == PointToPoint {
			// OpenSSH drops what is too short to hold the header.
			if n < afHeader {
				continue
			}
			p = p[afHeader:]
		}
		if _, err := dev.Write(p); err != nil && !dropped(err) {
			return
		}
	}
}

// toChannel sends each packet the device gives as one message.
func toChannel(ch Datagrams, dev *os.File, mode Mode) {
	buf := make([]byte, afHeader+maxPacketSize)
	off := 0
	if mode == PointToPoint {
		off = afHeader
	}
	for {
		n, err := dev.Read(buf[off:])
		if err != nil {
			if dropped(err) {
				continue
			}
			return
		}
		if n == 0 {
			continue
		}
		if mode == PointToPoint {
			af := uint32(openbsdInet)
			if buf[off]>>4 == 6 {
				af = openbsdInet6
			}
			binary.BigEndian.PutUint32(buf, af)
		}
		if _, err := ch.WriteDatagram(buf[:off+n]); err != nil {
			return
		}
	}
}

// dropped: the kernel refused one packet, which loses that packet, not
// the tunnel: malformed, no room, or the interface not up yet (EIO; the
// other end's first packets, IPv6 router solicitations, can come before
// this end's "ip link set up").
func dropped(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.EIO)
}
