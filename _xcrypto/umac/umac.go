// Package umac is UMAC (RFC 4418, with AES-128) as OpenSSH uses it for
// umac-64@openssh.com, umac-128@openssh.com and their -etm variants:
// x/crypto has no UMAC, and OpenSSH's AES-CTR connections use
// umac-64-etm@openssh.com. sshbox adds it to x/crypto (_xcrypto/README.md);
// x/crypto/ssh's umac_sshbox.go puts it into the MAC table.
//
// It is a package of its own, not a file of x/crypto/ssh, so that the
// release build, which turns inlining off in x/crypto/ssh, keeps it here:
// NH's loop reads eight words per 32 bytes, and without inlining each read
// is a call (664 MB/s for UMAC-128 against 2.9 GB/s).
//
// NH, the first layer, costs two 32-bit additions and one 64-bit product
// per eight bytes and tag word, where HMAC-SHA2-256 runs SHA-256 over the
// whole packet.
package umac

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"hash"
	"math/bits"
)

// New returns UMAC under the 16-byte key with a tag of tagLen bytes (4, 8,
// 12 or 16: one to four iterations of UHASH), as x/crypto/ssh's packet
// ciphers use a MAC: the first four bytes written after Reset are the
// packet's sequence number, which is UMAC's nonce (eight bytes,
// big-endian, as OpenSSH's umac.c takes it), not part of the message.
func New(key []byte, tagLen int) hash.Hash { return newUMAC(key, tagLen) }

const (
	umacChunk = 1024              // L1-HASH's chunk: NH's key length in bytes
	p64       = 1<<64 - 59        // POLY's prime for 64-bit words
	p36       = 1<<36 - 5         // L3-HASH's prime
	polyMax   = 1<<64 - 1<<32     // POLY's maxwordrange for 64-bit words
	polyMark  = p64 - 1           // POLY's marker
	umacMaxL1 = (1 << 17) / 64    // L1 outputs POLY-64 may take: 2^17 bits of them
	umacIters = 4                 // the most iterations: UMAC-128
	l1Words   = umacChunk/4 + 4*3 // NH key words for four iterations
)

// umacHash is UMAC with the tag length tagLen (4 to 16 bytes: one to four
// iterations of UHASH), as a hash.Hash for x/crypto's packet ciphers.
type umacHash struct {
	iters         int
	l1Key         [l1Words]uint32      // NH's key words (big-endian in the key material)
	l2Key         [umacIters]uint64    // POLY-64's keys, masked
	l3Key         [umacIters][8]uint64 // L3-HASH's first keys, reduced mod p36
	l3Pad         [umacIters]uint32    // L3-HASH's second keys
	pdf           cipher.Block         // the pad's AES, keyed KDF(K, 0, 16)
	pdfIn, pdfOut [aes.BlockSize]byte  // the last nonce block and its encryption
	umacState
}

// umacState is the message so far.
type umacState struct {
	nonce    [8]byte
	nonceLen int
	part     [32]byte // bytes short of NH's 32-byte block
	partLen  int
	chunkLen int // bytes of the current chunk hashed by NH
	nh       [umacIters]uint64
	chunks   int               // chunks finished
	first    [umacIters]uint64 // the first chunk's L1 output, until a second begins
	poly     [umacIters]uint64
	tooLong  bool
}

func newUMAC(key []byte, tagLen int) *umacHash {
	if tagLen < 4 || tagLen > 16 || tagLen%4 != 0 {
		panic("umac: tag length not 4, 8, 12 or 16")
	}
	u := &umacHash{iters: tagLen / 4}
	kdf := umacKDF(key)
	l1 := kdf(1, umacChunk+(u.iters-1)*16)
	for i := 0; i < umacChunk/4+4*(u.iters-1); i++ {
		u.l1Key[i] = binary.BigEndian.Uint32(l1[4*i:])
	}
	l2 := kdf(2, u.iters*24)
	l31 := kdf(3, u.iters*64)
	l32 := kdf(4, u.iters*4)
	for i := 0; i < u.iters; i++ {
		u.l2Key[i] = binary.BigEndian.Uint64(l2[24*i:]) & 0x01ffffff01ffffff
		for j := range u.l3Key[i] {
			u.l3Key[i][j] = binary.BigEndian.Uint64(l31[64*i+8*j:]) % p36
		}
		u.l3Pad[i] = binary.BigEndian.Uint32(l32[4*i:])
	}
	u.pdf, _ = aes.NewCipher(kdf(0, 16))
	// No nonce has a block of all ones: pdfIn's first use computes.
	for i := range u.pdfIn {
		u.pdfIn[i] = 0xff
	}
	u.Reset()
	return u
}

// umacKDF returns RFC 4418's KDF under key: numBytes of AES-128 in
// counter mode, the block being the index and the counter (from 1), each
// eight bytes big-endian.
func umacKDF(key []byte) func(index uint64, numBytes int) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		// x/crypto/ssh's key size for UMAC is 16: it never gets here.
		panic("umac: " + err.Error())
	}
	return func(index uint64, numBytes int) []byte {
		out := make([]byte, (numBytes+15)&^15)
		var in [16]byte
		binary.BigEndian.PutUint64(in[:8], index)
		for i := 0; i*16 < numBytes; i++ {
			binary.BigEndian.PutUint64(in[8:], uint64(i+1))
			block.Encrypt(out[16*i:], in[:])
		}
		return out[:numBytes]
	}
}

func (u *umacHash) Size() int      { return 4 * u.iters }
func (u *umacHash) BlockSize() int { return 32 }

func (u *umacHash) Reset() {
	u.umacState = umacState{}
	for i := range u.poly {
		u.poly[i] = 1 // POLY starts from 1
	}
}

func (u *umacHash) Write(p []byte) (int, error) {
	n := len(p)
	if u.nonceLen < 4 {
		// The sequence number: the nonce's low four bytes.
		c := copy(u.nonce[4+u.nonceLen:], p)
		u.nonceLen += c
		p = p[c:]
	}
	if u.partLen > 0 {
		c := copy(u.part[u.partLen:], p)
		u.partLen += c
		p = p[c:]
		if u.partLen < 32 {
			return n, nil
		}
		u.blocks(&u.umacState, u.part[:])
		u.partLen = 0
	}
	whole := len(p) &^ 31
	u.blocks(&u.umacState, p[:whole])
	u.partLen = copy(u.part[:], p[whole:])
	return n, nil
}

// blocks runs NH over p, a multiple of 32 bytes, chunk by chunk.
func (u *umacHash) blocks(s *umacState, p []byte) {
	for len(p) > 0 {
		if s.chunkLen == umacChunk {
			u.endChunk(s, umacChunk*8)
		}
		n := min(len(p), umacChunk-s.chunkLen)
		u.nhBlocks(s, p[:n])
		s.chunkLen += n
		p = p[n:]
	}
}

// nhBlocks adds NH of p (whole 32-byte blocks) to each iteration's sum,
// starting at the current chunk's offset into the key. The message's words
// are little-endian (RFC 4418's ENDIAN-SWAP), the key's big-endian.
func (u *umacHash) nhBlocks(s *umacState, p []byte) {
	for it := 0; it < u.iters; it++ {
		k := u.l1Key[s.chunkLen/4+4*it:]
		y := s.nh[it]
		q := p
		for len(q) >= 32 && len(k) >= 8 {
			m0 := binary.LittleEndian.Uint32(q[0:])
			m1 := binary.LittleEndian.Uint32(q[4:])
			m2 := binary.LittleEndian.Uint32(q[8:])
			m3 := binary.LittleEndian.Uint32(q[12:])
			m4 := binary.LittleEndian.Uint32(q[16:])
			m5 := binary.LittleEndian.Uint32(q[20:])
			m6 := binary.LittleEndian.Uint32(q[24:])
			m7 := binary.LittleEndian.Uint32(q[28:])
			y += uint64(m0+k[0])*uint64(m4+k[4]) + uint64(m1+k[1])*uint64(m5+k[5]) +
				uint64(m2+k[2])*uint64(m6+k[6]) + uint64(m3+k[3])*uint64(m7+k[7])
			q, k = q[32:], k[8:]
		}
		s.nh[it] = y
	}
}

// endChunk finishes the current chunk's L1 output (NH plus the chunk's
// length in bits) and passes it to POLY, but for a first chunk, which
// stays apart until a second begins: a message of one chunk skips L2.
func (u *umacHash) endChunk(s *umacState, bitLen uint64) {
	for it := 0; it < u.iters; it++ {
		a := s.nh[it] + bitLen
		s.nh[it] = 0
		if s.chunks == 0 {
			s.first[it] = a
			continue
		}
		if s.chunks == 1 {
			s.poly[it] = umacPoly(s.poly[it], u.l2Key[it], s.first[it])
		}
		s.poly[it] = umacPoly(s.poly[it], u.l2Key[it], a)
	}
	s.chunks++
	s.chunkLen = 0
	if s.chunks > umacMaxL1 {
		// Past 2^17 bits of L1 output (2 MiB of message) RFC 4418 hashes
		// on with POLY-128; an SSH packet is at most 256 KiB.
		s.tooLong = true
	}
}

// umacPoly is one step of RFC 4418's POLY for 64-bit words.
func umacPoly(y, k, m uint64) uint64 {
	if m >= polyMax {
		y = addMod64(mulMod64(k, y), polyMark)
		return addMod64(mulMod64(k, y), m-(1<<64-p64))
	}
	return addMod64(mulMod64(k, y), m)
}

// mulMod64 is a*b mod p64, for a, b < 2^64: 2^64 is 59 mod p64.
func mulMod64(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	h2, l2 := bits.Mul64(hi, 59)
	s, c := bits.Add64(l2, lo, 0)
	s, c = bits.Add64(s, (h2+c)*59, 0)
	s += c * 59 // s wrapped: it is small, and this cannot carry
	if s >= p64 {
		s -= p64
	}
	return s
}

// addMod64 is a+b mod p64, for a < p64 and any b.
func addMod64(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	s += c * 59 // if it wrapped, s = a+b-2^64 < p64, and this cannot carry
	if s >= p64 {
		s -= p64
	}
	return s
}

func (u *umacHash) Sum(in []byte) []byte {
	// The last chunk: the bytes short of a block padded with zeros, NH's
	// sum plus the chunk's length in bits. On a copy of the message's
	// state, so that Sum changes nothing (hash.Hash's contract).
	v := u.umacState
	if v.chunkLen == umacChunk && v.partLen > 0 {
		u.endChunk(&v, umacChunk*8)
	}
	if v.tooLong {
		// Unreachable from x/crypto/ssh, which refuses a packet past 256
		// KiB before it hashes it (see endChunk). A random tag, which
		// neither verifies nor can be matched.
		tag := make([]byte, u.Size())
		rand.Read(tag)
		return append(in, tag...)
	}
	bitLen := uint64(v.chunkLen+v.partLen) * 8
	// An empty message is hashed as one block of zeros (RFC 4418's
	// zeropad makes a nonzero multiple of 32 bytes).
	if v.partLen > 0 || v.chunks == 0 && v.chunkLen == 0 {
		clear(v.part[v.partLen:])
		u.nhBlocks(&v, v.part[:])
	}
	for it := 0; it < u.iters; it++ {
		// B, L3-HASH's sixteen bytes, is eight zeros and then b: A itself
		// for a message of one chunk (no L2), else POLY-64's result.
		b := v.nh[it] + bitLen
		if v.chunks > 0 {
			y := v.poly[it]
			if v.chunks == 1 {
				y = umacPoly(y, u.l2Key[it], v.first[it])
			}
			b = umacPoly(y, u.l2Key[it], b)
		}
		in = binary.BigEndian.AppendUint32(in, umacL3(&u.l3Key[it], b)^u.l3Pad[it])
	}
	pad := u.pad(v.nonce)
	tag := in[len(in)-u.Size():]
	for i := range tag {
		tag[i] ^= pad[i]
	}
	return in
}

// umacL3 is RFC 4418's L3-HASH of B before the xor with the second key:
// B's sixteen-bit pieces weighted by the keys, mod p36, as 32 bits. B's
// high eight bytes are zero (POLY-128, which would fill them, is never
// reached), so only its low half, b, and the last four keys count.
func umacL3(k *[8]uint64, b uint64) uint32 {
	var y uint64
	for i := 0; i < 4; i++ {
		y += (b >> (48 - 16*i) & 0xffff) * k[4+i]
	}
	return uint32(y % p36)
}

// pad is RFC 4418's PDF for the nonce: the AES block of the nonce, for a
// tag of four or eight bytes with its lowest two bits or bit cleared, and
// then the part those bits select. Consecutive sequence numbers share a
// block under UMAC-64, so it is computed for every other packet.
func (u *umacHash) pad(nonce [8]byte) []byte {
	var in [aes.BlockSize]byte
	copy(in[:], nonce[:])
	tagLen := u.Size()
	index := 0
	if tagLen == 4 || tagLen == 8 {
		mask := byte(aes.BlockSize/tagLen - 1)
		index = int(in[7] & mask)
		in[7] &^= mask
	}
	if in != u.pdfIn {
		u.pdf.Encrypt(u.pdfOut[:], in[:])
		u.pdfIn = in
	}
	return u.pdfOut[index*tagLen:]
}
