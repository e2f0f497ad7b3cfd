package client

import (
	"encoding/binary"
	"net"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/compress"
)

// x/crypto has no key exchange hooks, so the -v lines OpenSSH prints for
// a key exchange are found where they can be known for certain:
//
//   - The first exchange runs in plaintext, so kexLog reads the packet
//     types off the wire in both directions until each side's NEWKEYS.
//     Reads are handed to x/crypto one packet at a time, so a line is
//     printed when x/crypto is about to act on that packet, never ahead
//     (OpenSSH sends NEWKEYS right behind its reply, in the same segment).
//   - A re-key is encrypted. x/crypto calls the HostKeyCallback once per
//     exchange, after both KEXINITs and the server's signed reply; that
//     call (rekeyed) is the proof a re-key happened. During an exchange
//     only the exchange itself writes, so the next write is our NEWKEYS
//     and the one after it can only come once the server's NEWKEYS has
//     been read. What a re-key negotiated cannot be seen: those lines are
//     left out rather than guessed.

const (
	msgKexInit       = 20
	msgNewKeys       = 21
	msgKexECDHInit   = 30 // also KEXDH_INIT and GEX's GROUP (received)
	msgKexECDHReply  = 31
	msgKexGexInit    = 32
	msgKexGexReply   = 33
	msgKexGexRequest = 34

	// A plaintext packet larger than this is not a key exchange packet
	// sshbox can follow (x/crypto's own limit is 256 KiB).
	maxKexPacket = 256 << 10
)

// kexLog wraps the connection to the server.
type kexLog struct {
	net.Conn
	log          *Logger
	afterVersion func() // called once the server's version line is read

	// Read side: only one goroutine of x/crypto reads at a time.
	rbuf    []byte // bytes from the server not yet handed to x/crypto
	rtmp    []byte // read buffer
	rstage  int    // stageVersion, stagePackets, stageDone
	rline   []byte // the server's current version line (first bytes)
	rleft   int    // bytes of the current packet still to hand out
	rtype   byte   // its message type
	rpacket []byte // the packet so far, kept only for a KEXINIT

	mu     sync.Mutex
	wbuf   []byte // our bytes of an incomplete packet
	wstage int
	ours   []byte // our KEXINIT payload
	theirs []byte // the server's
	// heldKexInit: the server's KEXINIT was read before ours was written.
	// x/crypto writes its own KEXINIT before it acts on the server's
	// (its key exchange loop sends first, then takes the peer's from the
	// reader), so the "received" line waits for the "sent" one, in the
	// order OpenSSH prints them; which of the two reaches the wire first
	// is up to the scheduler.
	heldKexInit bool
	gex         bool // the first exchange is diffie-hellman-group-exchange
	// readCipher is the server->client cipher the first exchange chose.
	readCipher string
	// compressed: the first exchange chose compression either way.
	compressed bool
	// watch counts the writes still to be noticed after a re-key's host
	// key check: 2 means the next one is our NEWKEYS, 1 that the one
	// after it proves the server's NEWKEYS arrived.
	watch int
}

const (
	stageVersion = iota
	stagePackets
	stageDone
)

func newKexLog(conn net.Conn, log *Logger) *kexLog { return &kexLog{Conn: conn, log: log} }

func (k *kexLog) Read(p []byte) (int, error) {
	if k.rstage == stageDone && len(k.rbuf) == 0 {
		return k.Conn.Read(p)
	}
	need := 1
	if k.rstage == stagePackets && k.rleft == 0 {
		need = 6 // length, padding length, message type
	}
	for len(k.rbuf) < need {
		if k.rtmp == nil {
			k.rtmp = make([]byte, 32<<10)
		}
		n, err := k.Conn.Read(k.rtmp)
		k.rbuf = append(k.rbuf, k.rtmp[:n]...)
		if err != nil {
			if len(k.rbuf) == 0 {
				return 0, err
			}
			// Hand out what came; x/crypto meets the error next.
			k.rstage, need = stageDone, 1
		}
	}
	switch k.rstage {
	case stageVersion:
		return k.readVersion(p), nil
	case stagePackets:
		if k.rleft == 0 && !k.startPacket() {
			k.rstage = stageDone
			break
		}
		n := min(len(p), k.rleft, len(k.rbuf))
		copy(p, k.rbuf[:n])
		if k.rtype == msgKexInit {
			k.rpacket = append(k.rpacket, k.rbuf[:n]...)
		}
		k.rbuf, k.rleft = k.rbuf[n:], k.rleft-n
		if k.rleft == 0 {
			k.received(k.rtype, k.rpacket)
			k.rpacket = nil
		}
		return n, nil
	}
	n := copy(p, k.rbuf)
	k.rbuf = k.rbuf[n:]
	return n, nil
}

// readVersion hands out bytes up to the end of a line; the server's
// "SSH-" line ends the version stage.
func (k *kexLog) readVersion(p []byte) int {
	n := 0
	for n < len(p) && n < len(k.rbuf) {
		c := k.rbuf[n]
		p[n] = c
		n++
		if c != '\n' {
			if len(k.rline) < 256 {
				k.rline = append(k.rline, c)
			}
			continue
		}
		line := strings.TrimRight(string(k.rline), "\r")
		k.rline = k.rline[:0]
		if strings.HasPrefix(line, "SSH-") {
			if v, ok := strings.CutPrefix(line, "SSH-2.0-"); ok {
				k.log.Debug1("Remote protocol version 2.0, remote software version %s", v)
			}
			if k.afterVersion != nil {
				k.afterVersion()
			}
			k.rstage = stagePackets
			break
		}
	}
	k.rbuf = k.rbuf[n:]
	return n
}

// startPacket reads the header of the next plaintext packet; false when
// it is not one the key exchange can have sent.
func (k *kexLog) startPacket() bool {
	length := binary.BigEndian.Uint32(k.rbuf)
	if length < 2 || length > maxKexPacket {
		return false
	}
	k.rleft, k.rtype = int(length)+4, k.rbuf[5]
	return true
}

// payload is a whole plaintext packet's payload (without padding).
func payload(packet []byte) []byte {
	if len(packet) < 6 {
		return nil
	}
	end := len(packet) - int(packet[4])
	if end < 5 {
		return nil
	}
	return packet[5:end]
}

// received logs a packet from the server that x/crypto is about to read.
func (k *kexLog) received(typ byte, packet []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	log := k.log
	switch typ {
	case msgKexInit:
		k.theirs = payload(packet)
		if k.ours == nil {
			k.heldKexInit = true
			return
		}
		log.Debug1("SSH2_MSG_KEXINIT received")
		k.negotiated()
	case msgKexECDHReply:
		if k.gex {
			log.Debug1("SSH2_MSG_KEX_DH_GEX_GROUP received")
		} else {
			log.Debug1("SSH2_MSG_KEX_ECDH_REPLY received")
		}
	case msgKexGexReply:
		log.Debug1("SSH2_MSG_KEX_DH_GEX_REPLY received")
	case msgNewKeys:
		log.Debug1("SSH2_MSG_NEWKEYS received")
		k.rstage = stageDone
	}
}

func (k *kexLog) Write(p []byte) (int, error) {
	n, err := k.Conn.Write(p)
	if n == 0 {
		return n, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case k.watch == 2:
		k.log.Debug1("SSH2_MSG_NEWKEYS sent")
		k.log.Debug1("expecting SSH2_MSG_NEWKEYS")
		k.watch--
	case k.watch == 1:
		k.log.Debug1("SSH2_MSG_NEWKEYS received")
		k.watch--
	case k.wstage != stageDone:
		k.followWrite(p[:n])
	}
	return n, err
}

// followWrite parses what we sent during the first exchange.
func (k *kexLog) followWrite(b []byte) {
	if k.wstage == stageVersion {
		i := strings.IndexByte(string(b), '\n')
		if i < 0 {
			return
		}
		k.wstage, b = stagePackets, b[i+1:]
	}
	k.wbuf = append(k.wbuf, b...)
	for len(k.wbuf) >= 6 && k.wstage == stagePackets {
		length := binary.BigEndian.Uint32(k.wbuf)
		if length < 2 || length > maxKexPacket {
			k.wstage, k.wbuf = stageDone, nil
			return
		}
		if len(k.wbuf) < int(length)+4 {
			return
		}
		packet := k.wbuf[:length+4]
		k.wbuf = k.wbuf[length+4:]
		k.sent(packet)
	}
}

// sent logs a packet of ours that has been written.
func (k *kexLog) sent(packet []byte) {
	log := k.log
	switch packet[5] {
	case msgKexInit:
		log.Debug1("SSH2_MSG_KEXINIT sent")
		k.ours = append([]byte(nil), payload(packet)...)
		if k.heldKexInit {
			log.Debug1("SSH2_MSG_KEXINIT received")
			k.heldKexInit = false
		}
		k.negotiated()
	case msgKexECDHInit:
		log.Debug1("expecting SSH2_MSG_KEX_ECDH_REPLY")
	case msgKexGexRequest:
		if b := payload(packet); len(b) == 13 {
			be := binary.BigEndian
			log.Debug1("SSH2_MSG_KEX_DH_GEX_REQUEST(%d<%d<%d) sent", be.Uint32(b[1:]), be.Uint32(b[5:]), be.Uint32(b[9:]))
		}
		log.Debug1("expecting SSH2_MSG_KEX_DH_GEX_GROUP")
	case msgKexGexInit:
		log.Debug1("SSH2_MSG_KEX_DH_GEX_INIT sent")
		log.Debug1("expecting SSH2_MSG_KEX_DH_GEX_REPLY")
	case msgNewKeys:
		log.Debug1("SSH2_MSG_NEWKEYS sent")
		log.Debug1("expecting SSH2_MSG_NEWKEYS")
		k.wstage, k.wbuf = stageDone, nil
	}
}

// serverCipher is the server->client cipher of the first exchange.
func (k *kexLog) serverCipher() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.readCipher
}

// rekeying is called from the HostKeyCallback of every exchange after
// the first one: both KEXINITs and the server's signed reply have been
// seen.
func (k *kexLog) rekeying() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.watch == 1 {
		// No write came between, but a new exchange proves the last
		// one ended.
		k.log.Debug1("SSH2_MSG_NEWKEYS received")
		k.watch = 0
	}
	k.log.Debug1("SSH2_MSG_KEXINIT sent")
	k.log.Debug1("SSH2_MSG_KEXINIT received")
}

// rekeyAccepted: the host key passed, so x/crypto writes NEWKEYS next.
func (k *kexLog) rekeyAccepted() {
	k.mu.Lock()
	k.watch = 2
	k.mu.Unlock()
}

// kexInit is SSH_MSG_KEXINIT (RFC 4253 7.1).
type kexInit struct {
	Cookie                  [16]byte `sshtype:"20"`
	KexAlgos                []string
	ServerHostKeyAlgos      []string
	CiphersClientServer     []string
	CiphersServerClient     []string
	MACsClientServer        []string
	MACsServerClient        []string
	CompressionClientServer []string
	CompressionServerClient []string
	LanguagesClientServer   []string
	LanguagesServerClient   []string
	FirstKexFollows         bool
	Reserved                uint32
}

// negotiated prints both proposals (-vv) and what they agree on (-v), as
// OpenSSH does once the second KEXINIT is known. The choice is RFC 4253's
// rule, the one x/crypto applies: the client's first name the server has.
func (k *kexLog) negotiated() {
	if k.ours == nil || k.theirs == nil {
		return
	}
	var c, s kexInit
	if ssh.Unmarshal(k.ours, &c) != nil || ssh.Unmarshal(k.theirs, &s) != nil {
		return
	}
	log := k.log
	logProposal(log, "local client", &c)
	logProposal(log, "peer server", &s)
	kex := agree(c.KexAlgos, s.KexAlgos)
	hostKey := agree(c.ServerHostKeyAlgos, s.ServerHostKeyAlgos)
	stoc := direction(c.CiphersServerClient, s.CiphersServerClient, c.MACsServerClient, s.MACsServerClient,
		c.CompressionServerClient, s.CompressionServerClient)
	ctos := direction(c.CiphersClientServer, s.CiphersClientServer, c.MACsClientServer, s.MACsClientServer,
		c.CompressionClientServer, s.CompressionClientServer)
	if kex == "" || hostKey == "" || stoc == "" || ctos == "" {
		return // x/crypto refuses the connection and says why
	}
	k.gex = strings.HasPrefix(kex, "diffie-hellman-group-exchange-")
	k.readCipher = agree(c.CiphersServerClient, s.CiphersServerClient)
	k.compressed = agree(c.CompressionServerClient, s.CompressionServerClient) != compress.None ||
		agree(c.CompressionClientServer, s.CompressionClientServer) != compress.None
	log.Debug1("kex: algorithm: %s", kex)
	log.Debug1("kex: host key algorithm: %s", hostKey)
	log.Debug1("kex: server->client %s", stoc)
	log.Debug1("kex: client->server %s", ctos)
}

// direction is one direction's "cipher: C MAC: M compression: Z", or ""
// when the two sides have nothing in common.
func direction(cc, sc, cm, sm, cz, sz []string) string {
	cipher, mac, comp := agree(cc, sc), "<implicit>", agree(cz, sz)
	if !aead(cipher) {
		mac = agree(cm, sm)
	}
	if cipher == "" || mac == "" || comp == "" {
		return ""
	}
	return "cipher: " + cipher + " MAC: " + mac + " compression: " + comp
}

func logProposal(log *Logger, who string, m *kexInit) {
	log.Debug2("%s KEXINIT proposal", who)
	log.Debug2("KEX algorithms: %s", strings.Join(m.KexAlgos, ","))
	log.Debug2("host key algorithms: %s", strings.Join(m.ServerHostKeyAlgos, ","))
	log.Debug2("ciphers ctos: %s", strings.Join(m.CiphersClientServer, ","))
	log.Debug2("ciphers stoc: %s", strings.Join(m.CiphersServerClient, ","))
	log.Debug2("MACs ctos: %s", strings.Join(m.MACsClientServer, ","))
	log.Debug2("MACs stoc: %s", strings.Join(m.MACsServerClient, ","))
	log.Debug2("compression ctos: %s", strings.Join(m.CompressionClientServer, ","))
	log.Debug2("compression stoc: %s", strings.Join(m.CompressionServerClient, ","))
	log.Debug2("languages ctos: %s", strings.Join(m.LanguagesClientServer, ","))
	log.Debug2("languages stoc: %s", strings.Join(m.LanguagesServerClient, ","))
	first := 0
	if m.FirstKexFollows {
		first = 1
	}
	log.Debug2("first_kex_follows %d ", first)
	log.Debug2("reserved %d ", m.Reserved)
}

// agree is the client's first algorithm the server also offers.
func agree(client, server []string) string {
	for _, c := range client {
		for _, s := range server {
			if c == s {
				return c
			}
		}
	}
	return ""
}

// aead: the cipher authenticates itself, OpenSSH shows its MAC as
// <implicit>.
func aead(cipher string) bool {
	return strings.Contains(cipher, "gcm") || strings.Contains(cipher, "chacha20")
}
