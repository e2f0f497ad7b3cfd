// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds, with the few lines scripts/xcrypto puts into common.go,
// handshake.go and transport.go to call it (sshbox's _xcrypto/README.md).

package ssh

import (
	"errors"
	"sync"
	"sync/atomic"
)

// The two compression methods of OpenSSH (RFC 4253 section 6.2, and
// PROTOCOL section 1.4): a zlib stream per direction, each packet's
// payload deflated and flushed on its own. "zlib" starts at the first
// NEWKEYS that chose it; "zlib@openssh.com" waits until the server has
// sent SSH_MSG_USERAUTH_SUCCESS, so that no one can make the server
// inflate anything before they have logged in. Every NEWKEYS starts both
// streams afresh (a new zlib header and an empty window), as OpenSSH,
// Dropbear and paramiko do: each key exchange's cipher carries its own.
const (
	compressionZlib = "zlib"

	// maxInflated bounds one packet's payload after inflating, as
	// OpenSSH's packet buffer does: a few bytes that inflate to
	// gigabytes end the connection instead of filling memory.
	maxInflated = 256 * 1024
)

// SetCompressions sets the compression methods this side offers in its
// KEXINIT, in order of preference; empty means x/crypto's own ("none").
// The methods it knows are "none", "zlib@openssh.com" and "zlib".
// sshbox finds this method by an interface assertion, so that a plain
// build, without it, still compiles.
func (c *Config) SetCompressions(methods []string) {
	c.compressions = append([]string(nil), methods...)
}

func (t *handshakeTransport) compressionList() []string {
	if len(t.config.compressions) > 0 {
		return t.config.compressions
	}
	return supportedCompressions
}

// CompressionStats reports what compression did on the connection: the
// payload bytes before and after deflating (out) and after and before
// inflating (in), and false when neither direction ever compressed. It is
// what OpenSSH's "compress outgoing/incoming: raw data ..." lines show.
func (c *connection) CompressionStats() (outRaw, outWire, inRaw, inWire uint64, ok bool) {
	h, isHandshake := c.transport.(*handshakeTransport)
	if !isHandshake {
		return
	}
	t, isTransport := h.conn.(*transport)
	if !isTransport || t.writer.comp == nil {
		return
	}
	s := t.writer.comp
	return s.outRaw.Load(), s.outWire.Load(), s.inRaw.Load(), s.inWire.Load(), s.outRaw.Load()+s.inRaw.Load() > 0
}

// compressingCipher carries the compression method a key exchange chose
// for one direction with that exchange's cipher, so that it takes effect
// where the keys do, at that direction's NEWKEYS, and the stream that
// method runs under those keys.
type compressingCipher struct {
	packetCipher
	method  string
	deflate *deflater // the writing direction's, from its first packet
	inflate *inflater // the reading direction's, from its first packet
}

func withCompression(c packetCipher, method string) packetCipher {
	if method == compressionNone || method == "" {
		return c
	}
	return &compressingCipher{packetCipher: c, method: method}
}

// compression is one connection's state: whether the login has succeeded,
// which starts "zlib@openssh.com", the figures, and the inflating
// goroutine to stop when the keys change or the connection ends.
type compression struct {
	isClient bool
	loggedIn atomic.Bool
	outRaw   atomic.Uint64
	outWire  atomic.Uint64
	inRaw    atomic.Uint64
	inWire   atomic.Uint64
	inflate  *inflater // the reader's only
}

// initCompression gives both directions of a new transport the
// connection's compression state.
func (t *transport) initCompression() {
	c := &compression{isClient: t.isClient}
	t.reader.comp, t.writer.comp = c, c
}

// active returns the cipher's compression when packets under it are
// compressed, else nil.
func (c *compression) active(cipher packetCipher) *compressingCipher {
	cc, ok := cipher.(*compressingCipher)
	if !ok || (cc.method != compressionZlib && !c.loggedIn.Load()) {
		return nil
	}
	return cc
}

// deflatePacket compresses an outgoing payload when this direction's
// method is in force. The server starts "zlib@openssh.com" after the
// USERAUTH_SUCCESS it sends, which goes out as it is.
func (s *connectionState) deflatePacket(packet []byte) []byte {
	c := s.comp
	if c == nil || len(packet) == 0 {
		return packet
	}
	cc := c.active(s.packetCipher)
	if cc == nil {
		if !c.isClient && packet[0] == msgUserAuthSuccess {
			c.loggedIn.Store(true)
		}
		return packet
	}
	if cc.deflate == nil {
		cc.deflate = newDeflater()
	}
	out := cc.deflate.packet(packet)
	c.outRaw.Add(uint64(len(packet)))
	c.outWire.Add(uint64(len(out)))
	return out
}

// inflatePacket decompresses an incoming payload when this direction's
// method is in force. The client starts "zlib@openssh.com" after the
// USERAUTH_SUCCESS it receives. A read error ends the connection, and
// with it the inflating goroutine.
func (s *connectionState) inflatePacket(packet []byte, err error) ([]byte, error) {
	c := s.comp
	if c == nil {
		return packet, err
	}
	if err != nil || len(packet) == 0 {
		c.stopInflating()
		return packet, err
	}
	cc := c.active(s.packetCipher)
	if cc == nil {
		if c.isClient && packet[0] == msgUserAuthSuccess {
			c.loggedIn.Store(true)
		}
		c.stopInflating() // new keys without compression
		return packet, nil
	}
	if cc.inflate == nil {
		// New keys: the last keys' stream has ended.
		c.stopInflating()
		cc.inflate = newInflater()
		c.inflate = cc.inflate
	}
	out, err := cc.inflate.packet(packet)
	if err != nil {
		c.stopInflating()
		return nil, err
	}
	c.inRaw.Add(uint64(len(out)))
	c.inWire.Add(uint64(len(packet)))
	return out, nil
}

func (c *compression) stopInflating() {
	if c.inflate != nil {
		c.inflate.close()
		c.inflate = nil
	}
}

// inflater is the incoming stream. Go's zlib reader cannot inflate it:
// it hands over what it decoded only at a sync flush's empty stored block
// (or with a full window), and OpenSSH ends each packet with a partial
// flush, an empty fixed-code block whose last bits come with the next
// packet. So the stream goes through sshbox's own decoder
// (inflate_sshbox.go), which writes every byte into the payload as it
// decodes it. The decoder runs on a goroutine of its own, reading the
// packets from a channel: when it asks for a byte the packet does not
// have, everything the packet carries is in the payload.
type inflater struct {
	in     chan []byte
	out    chan inflated
	closed chan struct{}
	stop   sync.Once
}

type inflated struct {
	payload []byte
	err     error
}

var errInflateClosed = errors.New("ssh: connection closed")

func newInflater() *inflater {
	f := &inflater{in: make(chan []byte), out: make(chan inflated), closed: make(chan struct{})}
	go f.run()
	return f
}

func (f *inflater) packet(p []byte) ([]byte, error) {
	select {
	case f.in <- p:
	case <-f.closed:
		return nil, errInflateClosed
	}
	var r inflated
	select {
	case r = <-f.out:
	case <-f.closed:
		return nil, errInflateClosed
	}
	if r.err == nil && len(r.payload) == 0 {
		r.err = errors.New("ssh: compressed packet inflates to nothing")
	}
	return r.payload, r.err
}

func (f *inflater) close() { f.stop.Do(func() { close(f.closed) }) }

// run inflates until the stream is closed or bad; the packet being
// inflated gets the error.
func (f *inflater) run() {
	src := &packetSource{f: f}
	if !src.wait() {
		return
	}
	if err := src.inflate(); err != errInflateClosed {
		select {
		case f.out <- inflated{err: err}:
		case <-f.closed:
		}
	}
}

// packetSource feeds the decoder one packet at a time and gathers what it
// yields.
type packetSource struct {
	f       *inflater
	pending []byte
	payload []byte
}

// wait takes the next packet, first handing over the payload gathered from
// the one before; false when the connection ended.
func (s *packetSource) wait() bool {
	if s.payload != nil {
		select {
		case s.f.out <- inflated{payload: s.payload}:
		case <-s.f.closed:
			return false
		}
		s.payload = nil
	}
	select {
	case p := <-s.f.in:
		s.pending = p
		s.payload = make([]byte, 0, 4*len(p)+64)
		return true
	case <-s.f.closed:
		return false
	}
}

func (s *packetSource) ReadByte() (byte, error) {
	for len(s.pending) == 0 {
		if !s.wait() {
			return 0, errInflateClosed
		}
	}
	b := s.pending[0]
	s.pending = s.pending[1:]
	return b, nil
}

// inflate runs the decoder over the packets. The stream never ends (a
// peer that finishes it has sent a bad packet).
func (s *packetSource) inflate() error {
	d := &inflateState{src: s}
	err := d.run()
	if errors.Is(err, errInflateClosed) {
		return errInflateClosed
	}
	return errors.New("ssh: bad compressed stream: " + err.Error())
}
