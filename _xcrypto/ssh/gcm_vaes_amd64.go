// sshbox: added to golang.org/x/crypto/ssh by scripts/xcrypto (see
// _xcrypto/README.md).

//go:build gc && !purego

package ssh

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"

	"golang.org/x/sys/cpu"
)

// AES-GCM with VAES and VPCLMULQDQ on ZMM registers: sixteen blocks a
// pass, four to a register, where Go's crypto/aes does eight with AES-NI on
// XMM registers. On a CPU with these instructions OpenSSL (so OpenSSH)
// uses its own AVX-512 AES-GCM, and with Go's the decryption alone was a
// third of a receiving sshbox client's CPU (docs/performance.md). It takes
// the messages SSH makes: a 12-byte nonce, a whole number of blocks and
// additional data of at most 64 bytes (the packet length); anything else
// goes to Go's AES-GCM.

// useVAESGCM: the CPU has the instructions and the OS saves the ZMM
// registers; GODEBUG=cpu.avx512f=off turns it off, as it does the
// AVX-512 ChaCha20.
var useVAESGCM = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL &&
	cpu.X86.HasAVX512VAES && cpu.X86.HasAVX512VPCLMULQDQ

// vaesGCM is one key's state. The assembly reads rk, htab and nr at
// fixed offsets (0, 240, 496).
type vaesGCM struct {
	rk [15][16]byte // AES round keys, FIPS 197 byte order
	// htab[i] is H^(16-i) as the multiplication in gcm_vaes_amd64.s takes
	// it: the block's bytes reversed (a 128-bit integer, most significant
	// bit first in GCM's bit order), shifted left one bit modulo the
	// polynomial (the shift the reflected product is short of).
	htab [16][16]byte
	nr   int // rounds: 10, 12 or 14

	key  []byte
	slow cipher.AEAD // Go's AES-GCM, made when a message needs it
}

//go:noescape
func vaesEncryptBlock(k *vaesGCM, dst, src *[16]byte)

// vaesGCMEnc encrypts src (whole blocks) into dst with the counter block
// ctr and its successors, and folds the ciphertext into the GHASH state y.
//
//go:noescape
func vaesGCMEnc(k *vaesGCM, ctr, y *[16]byte, dst, src []byte)

// vaesGCMDec folds src (whole blocks of ciphertext) into y and decrypts
// it into dst.
//
//go:noescape
func vaesGCMDec(k *vaesGCM, ctr, y *[16]byte, dst, src []byte)

// vaesGHASH folds data (whole blocks) into y.
//
//go:noescape
func vaesGHASH(k *vaesGCM, y *[16]byte, data []byte)

// newVAESGCM returns AES-GCM for key on the VAES code, or nil where the
// CPU lacks it.
func newVAESGCM(key []byte) cipher.AEAD {
	if !useVAESGCM {
		return nil
	}
	switch len(key) {
	case 16, 24, 32:
	default:
		return nil
	}
	g := &vaesGCM{key: append([]byte(nil), key...)}
	g.nr = expandAESKey(&g.rk, key)
	var h [16]byte
	vaesEncryptBlock(g, &h, &h)
	hp := h
	for i := 15; i >= 0; i-- {
		g.htab[i] = gcmShiftedReversed(hp)
		hp = gcmMulSpec(hp, h)
	}
	return g
}

func (g *vaesGCM) NonceSize() int { return gcmStandardNonceSize }
func (g *vaesGCM) Overhead() int  { return gcmTagSize }

const gcmStandardNonceSize = 12

var errGCMOpen = errors.New("cipher: message authentication failed")

// fits reports whether the VAES code takes this message.
func (g *vaesGCM) fits(nonce, text, aad []byte) bool {
	return len(nonce) == gcmStandardNonceSize && len(text)%16 == 0 && len(aad) <= 64
}

func (g *vaesGCM) fallback() cipher.AEAD {
	if g.slow == nil {
		b, err := aes.NewCipher(g.key)
		if err != nil {
			panic(err) // the key's length was checked
		}
		if g.slow, err = cipher.NewGCM(b); err != nil {
			panic(err)
		}
	}
	return g.slow
}

// start returns the first counter block for the text, the tag's mask
// E(K, J0) and GHASH's state after the additional data.
func (g *vaesGCM) start(nonce, aad []byte) (ctr, mask, y [16]byte) {
	copy(ctr[:], nonce)
	ctr[15] = 1
	vaesEncryptBlock(g, &mask, &ctr)
	ctr[15] = 2
	if len(aad) > 0 {
		var padded [64]byte
		n := copy(padded[:], aad)
		vaesGHASH(g, &y, padded[:(n+15)&^15])
	}
	return
}

// tag folds the lengths into y and returns the tag.
func (g *vaesGCM) tag(y *[16]byte, mask *[16]byte, aadLen, textLen int) (t [16]byte) {
	var lens [16]byte
	binary.BigEndian.PutUint64(lens[:8], uint64(aadLen)*8)
	binary.BigEndian.PutUint64(lens[8:], uint64(textLen)*8)
	vaesGHASH(g, y, lens[:])
	for i := range t {
		t[i] = y[15-i] ^ mask[i] // y holds the block's bytes reversed
	}
	return t
}

func (g *vaesGCM) Seal(dst, nonce, plaintext, aad []byte) []byte {
	if !g.fits(nonce, plaintext, aad) {
		return g.fallback().Seal(dst, nonce, plaintext, aad)
	}
	ret, out := gcmSliceForAppend(dst, len(plaintext)+gcmTagSize)
	ctr, mask, y := g.start(nonce, aad)
	if len(plaintext) > 0 {
		vaesGCMEnc(g, &ctr, &y, out, plaintext)
	}
	t := g.tag(&y, &mask, len(aad), len(plaintext))
	copy(out[len(plaintext):], t[:])
	return ret
}

func (g *vaesGCM) Open(dst, nonce, ciphertext, aad []byte) ([]byte, error) {
	if len(ciphertext) < gcmTagSize {
		return nil, errGCMOpen
	}
	text, sent := ciphertext[:len(ciphertext)-gcmTagSize], ciphertext[len(ciphertext)-gcmTagSize:]
	if !g.fits(nonce, text, aad) {
		return g.fallback().Open(dst, nonce, ciphertext, aad)
	}
	ret, out := gcmSliceForAppend(dst, len(text))
	ctr, mask, y := g.start(nonce, aad)
	if len(text) > 0 {
		vaesGCMDec(g, &ctr, &y, out, text)
	}
	t := g.tag(&y, &mask, len(aad), len(text))
	if subtle.ConstantTimeCompare(t[:], sent) != 1 {
		clear(out)
		return nil, errGCMOpen
	}
	return ret, nil
}

// gcmSliceForAppend extends in by n bytes, in place where its capacity
// allows, and returns the whole and the new part.
func gcmSliceForAppend(in []byte, n int) (head, tail []byte) {
	if total := len(in) + n; cap(in) >= total {
		head = in[:total]
	} else {
		head = make([]byte, total)
		copy(head, in)
	}
	return head, head[len(in):]
}

// gcmShiftedReversed returns h as htab holds it: its bytes reversed as a
// little-endian 128-bit integer, shifted left one bit, and reduced by
// x^128 + x^127 + x^126 + x^121 + 1 in that reflected order (the
// constant 0xc2000000000000000000000000000001) when a bit left the top.
func gcmShiftedReversed(h [16]byte) (out [16]byte) {
	hi := binary.BigEndian.Uint64(h[:8])
	lo := binary.BigEndian.Uint64(h[8:])
	carry := hi >> 63
	hi = hi<<1 | lo>>63
	lo <<= 1
	if carry == 1 {
		hi ^= 0xc200000000000000
		lo ^= 1
	}
	binary.LittleEndian.PutUint64(out[:8], lo)
	binary.LittleEndian.PutUint64(out[8:], hi)
	return out
}

// gcmMulSpec multiplies x by y in GCM's field, bit by bit as NIST SP
// 800-38D's Algorithm 1 writes it: slow, and only for the powers of H.
func gcmMulSpec(x, y [16]byte) (z [16]byte) {
	vhi := binary.BigEndian.Uint64(y[:8])
	vlo := binary.BigEndian.Uint64(y[8:])
	var zhi, zlo uint64
	for i := 0; i < 128; i++ {
		if x[i/8]>>(7-i%8)&1 == 1 {
			zhi ^= vhi
			zlo ^= vlo
		}
		lsb := vlo & 1
		vlo = vlo>>1 | vhi<<63
		vhi >>= 1
		if lsb == 1 {
			vhi ^= 0xe100000000000000
		}
	}
	binary.BigEndian.PutUint64(z[:8], zhi)
	binary.BigEndian.PutUint64(z[8:], zlo)
	return z
}

// expandAESKey writes FIPS 197's key schedule for key (16, 24 or 32
// bytes) into rk and returns the number of rounds. It runs once a key
// exchange; the S-box is computed, not tabled.
func expandAESKey(rk *[15][16]byte, key []byte) int {
	nk := len(key) / 4
	nr := nk + 6
	var w [60]uint32
	for i := 0; i < nk; i++ {
		w[i] = binary.BigEndian.Uint32(key[4*i:])
	}
	rcon := byte(1)
	for i := nk; i < 4*(nr+1); i++ {
		t := w[i-1]
		switch {
		case i%nk == 0:
			t = aesSubWord(t<<8|t>>24) ^ uint32(rcon)<<24
			rcon = aesMul(rcon, 2)
		case nk > 6 && i%nk == 4:
			t = aesSubWord(t)
		}
		w[i] = w[i-nk] ^ t
	}
	for r := 0; r <= nr; r++ {
		for j := 0; j < 4; j++ {
			binary.BigEndian.PutUint32(rk[r][4*j:], w[4*r+j])
		}
	}
	return nr
}

func aesSubWord(w uint32) uint32 {
	return uint32(aesSbox(byte(w>>24)))<<24 | uint32(aesSbox(byte(w>>16)))<<16 |
		uint32(aesSbox(byte(w>>8)))<<8 | uint32(aesSbox(byte(w)))
}

// aesMul multiplies in AES's GF(2^8).
func aesMul(a, b byte) byte {
	var p byte
	for ; b != 0; b >>= 1 {
		if b&1 == 1 {
			p ^= a
		}
		hi := a & 0x80
		a <<= 1
		if hi != 0 {
			a ^= 0x1b
		}
	}
	return p
}

// aesSbox is FIPS 197's S-box: the inverse (x^254) then the affine map.
func aesSbox(x byte) byte {
	inv, sq := byte(1), x
	for e := 254; e > 0; e >>= 1 {
		if e&1 == 1 {
			inv = aesMul(inv, sq)
		}
		sq = aesMul(sq, sq)
	}
	rotl := func(b byte, n uint) byte { return b<<n | b>>(8-n) }
	return inv ^ rotl(inv, 1) ^ rotl(inv, 2) ^ rotl(inv, 3) ^ rotl(inv, 4) ^ 0x63
}
