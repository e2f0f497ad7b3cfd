package passwd

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"sync"

	"golang.org/x/crypto/pbkdf2"
)

// yescrypt, written from Alexander Peslyak's specification and reference
// description (yescrypt 1.x, as in libxcrypt). It is scrypt with three
// changes that matter here: the read-write mode (YESCRYPT_RW) writes back into
// V during the second loop and reads V at a wrapped, data-dependent index in
// the first; BlockMix's salsa20/8 is replaced by pwxform (multiplications and
// S-box lookups, with the S-boxes filled from the block and rewritten as it
// goes) followed by one salsa20/2; and the password goes through
// HMAC-SHA256("yescrypt", ...) on the way in and a SCRAM-like
// ClientKey/StoredKey step on the way out. Only the flavours the reference
// defines are accepted: classic scrypt (0), WORM (1) and RW with the
// default pwxform settings (0xb6).
//
// All 32-bit words inside SMix are kept in the reference's "SIMD shuffled"
// order (word i of a 64-byte block holds unshuffled word i*5 mod 16); pwxform
// and the S-box layout are defined on that order, so it is part of the
// algorithm, not an optimisation.
//
// The inner functions are marked go:norace: they touch only buffers private
// to one call, and the race detector's instrumentation of every word access
// made a -race test run ten times slower.

const (
	pwxSimple = 2
	pwxGather = 4
	pwxRounds = 6
	sWidth    = 8
	pwxWords  = pwxGather * pwxSimple * 2 // 32-bit words in a pwxform block
	sBytes    = 3 * (1 << sWidth) * pwxSimple * 8
	sWords    = sBytes / 4
	sMask     = ((1 << sWidth) - 1) * pwxSimple * 8
	sPart     = (1 << sWidth) * pwxSimple * 2 // 32-bit words in one of S0, S1, S2
)

// pwxCtx is one lane's S-boxes: S2, S1, S0 are word offsets into s and rotate
// after every pwxform; w is the write position in S2 (in 64-bit words).
type pwxCtx struct {
	s          []uint32
	s0, s1, s2 int
	w          int
}

//go:norace
func salsaCore(b []uint32, doubleRounds int) {
	var x [16]uint32
	for i := 0; i < 16; i++ {
		x[i*5%16] = b[i]
	}
	for i := 0; i < doubleRounds; i++ {
		x[4] ^= bits.RotateLeft32(x[0]+x[12], 7)
		x[8] ^= bits.RotateLeft32(x[4]+x[0], 9)
		x[12] ^= bits.RotateLeft32(x[8]+x[4], 13)
		x[0] ^= bits.RotateLeft32(x[12]+x[8], 18)
		x[9] ^= bits.RotateLeft32(x[5]+x[1], 7)
		x[13] ^= bits.RotateLeft32(x[9]+x[5], 9)
		x[1] ^= bits.RotateLeft32(x[13]+x[9], 13)
		x[5] ^= bits.RotateLeft32(x[1]+x[13], 18)
		x[14] ^= bits.RotateLeft32(x[10]+x[6], 7)
		x[2] ^= bits.RotateLeft32(x[14]+x[10], 9)
		x[6] ^= bits.RotateLeft32(x[2]+x[14], 13)
		x[10] ^= bits.RotateLeft32(x[6]+x[2], 18)
		x[3] ^= bits.RotateLeft32(x[15]+x[11], 7)
		x[7] ^= bits.RotateLeft32(x[3]+x[15], 9)
		x[11] ^= bits.RotateLeft32(x[7]+x[3], 13)
		x[15] ^= bits.RotateLeft32(x[11]+x[7], 18)

		x[1] ^= bits.RotateLeft32(x[0]+x[3], 7)
		x[2] ^= bits.RotateLeft32(x[1]+x[0], 9)
		x[3] ^= bits.RotateLeft32(x[2]+x[1], 13)
		x[0] ^= bits.RotateLeft32(x[3]+x[2], 18)
		x[6] ^= bits.RotateLeft32(x[5]+x[4], 7)
		x[7] ^= bits.RotateLeft32(x[6]+x[5], 9)
		x[4] ^= bits.RotateLeft32(x[7]+x[6], 13)
		x[5] ^= bits.RotateLeft32(x[4]+x[7], 18)
		x[11] ^= bits.RotateLeft32(x[10]+x[9], 7)
		x[8] ^= bits.RotateLeft32(x[11]+x[10], 9)
		x[9] ^= bits.RotateLeft32(x[8]+x[11], 13)
		x[10] ^= bits.RotateLeft32(x[9]+x[8], 18)
		x[12] ^= bits.RotateLeft32(x[15]+x[14], 7)
		x[13] ^= bits.RotateLeft32(x[12]+x[15], 9)
		x[14] ^= bits.RotateLeft32(x[13]+x[12], 13)
		x[15] ^= bits.RotateLeft32(x[14]+x[13], 18)
	}
	for i := 0; i < 16; i++ {
		b[i] += x[i*5%16]
	}
}

//go:norace
func blkXor(dst, src []uint32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] ^= src[i]
	}
}

// blockMixSalsa8 is scrypt's BlockMix with salsa20/8; y is scratch of 32r words.
//
//go:norace
func blockMixSalsa8(b, y []uint32, r int) {
	var x [16]uint32
	copy(x[:], b[(2*r-1)*16:])
	for i := 0; i < 2*r; i++ {
		blkXor(x[:], b[i*16:(i+1)*16])
		salsaCore(x[:], 4)
		copy(y[i*16:], x[:])
	}
	for i := 0; i < r; i++ {
		copy(b[i*16:(i+1)*16], y[(2*i)*16:])
		copy(b[(i+r)*16:(i+r+1)*16], y[(2*i+1)*16:])
	}
}

// pwxform transforms one 64-byte block x in place. The block is four
// gathers of two 64-bit lanes (PWXgather=4, PWXsimple=2), each lane stored as
// low and high 32-bit words; the loops over them are unrolled.
//
//go:norace
func pwxform(x *[pwxWords]uint32, ctx *pwxCtx) {
	s0 := (*[sPart]uint32)(ctx.s[ctx.s0:])
	s1 := (*[sPart]uint32)(ctx.s[ctx.s1:])
	s2 := (*[sPart]uint32)(ctx.s[ctx.s2:])
	w := ctx.w
	for i := 0; i < pwxRounds; i++ {
		for j := 0; j < pwxGather*4; j += 4 {
			x0, x1, x2, x3 := x[j], x[j+1], x[j+2], x[j+3]
			// Both lanes' S-box entries are picked by lane 0: low word
			// into S0, high word into S1.
			o0, o1 := (x0&sMask)>>2, (x1&sMask)>>2
			p0 := (*[4]uint32)(s0[o0 : o0+4])
			p1 := (*[4]uint32)(s1[o1 : o1+4])
			v0 := uint64(x1)*uint64(x0) + (uint64(p0[1])<<32 | uint64(p0[0]))
			v0 ^= uint64(p1[1])<<32 | uint64(p1[0])
			v1 := uint64(x3)*uint64(x2) + (uint64(p0[3])<<32 | uint64(p0[2]))
			v1 ^= uint64(p1[3])<<32 | uint64(p1[2])
			x[j], x[j+1], x[j+2], x[j+3] = uint32(v0), uint32(v0>>32), uint32(v1), uint32(v1>>32)
			if i != 0 && i != pwxRounds-1 {
				// w is a multiple of 32 at entry and grows by 32 per
				// call, so these writes stay inside S2.
				d := (*[4]uint32)(s2[2*w : 2*w+4])
				d[0], d[1], d[2], d[3] = uint32(v0), uint32(v0>>32), uint32(v1), uint32(v1>>32)
				w += 2
			}
		}
	}
	ctx.s0, ctx.s1, ctx.s2 = ctx.s2, ctx.s0, ctx.s1
	ctx.w = w & ((1<<sWidth)*pwxSimple - 1)
}

// blockMixPwxform is BlockMix_pwxform{salsa20/2, ctx, r}.
//
//go:norace
func blockMixPwxform(b []uint32, ctx *pwxCtx, r int) {
	var y [pwxWords]uint32
	r1 := 2 * r // 128r bytes in 64-byte pwxform blocks
	copy(y[:], b[(r1-1)*pwxWords:])
	for i := 0; i < r1; i++ {
		if r1 > 1 {
			blkXor(y[:], b[i*pwxWords:(i+1)*pwxWords])
		}
		pwxform(&y, ctx)
		copy(b[i*pwxWords:], y[:])
	}
	// With 64-byte pwxform blocks only the last 64-byte block gets salsa20/2.
	salsaCore(b[(2*r-1)*16:2*r*16], 1)
}

//go:norace
func blockMix(x, y []uint32, r int, ctx *pwxCtx) {
	if ctx != nil {
		blockMixPwxform(x, ctx, r)
	} else {
		blockMixSalsa8(x, y, r)
	}
}

//go:norace
func integerify(x []uint32, r int) uint64 {
	last := x[(2*r-1)*16:]
	return uint64(last[13])<<32 | uint64(last[0])
}

func p2floor(x uint64) uint64 {
	for y := x & (x - 1); y != 0; y = x & (x - 1) {
		x = y
	}
	return x
}

func wrap(x, i uint64) uint64 {
	n := p2floor(i)
	return x&(n-1) + (i - n)
}

// loadShuffled and storeShuffled move a 128r-byte block between its byte
// form and the shuffled word order.
//
//go:norace
func loadShuffled(x []uint32, b []byte, r int) {
	for k := 0; k < 2*r; k++ {
		for i := 0; i < 16; i++ {
			x[k*16+i] = binary.LittleEndian.Uint32(b[4*(k*16+i*5%16):])
		}
	}
}

//go:norace
func storeShuffled(b []byte, x []uint32, r int) {
	for k := 0; k < 2*r; k++ {
		for i := 0; i < 16; i++ {
			binary.LittleEndian.PutUint32(b[4*(k*16+i*5%16):], x[k*16+i])
		}
	}
}

// smix1 is the first loop of SMix: fill v with n blocks.
//
//go:norace
func smix1(b []byte, r int, n uint64, flags uint32, v, xy []uint32, ctx *pwxCtx) {
	s := uint64(32 * r)
	x, y := xy[:s], xy[s:2*s]
	loadShuffled(x, b, r)
	for i := uint64(0); i < n; i++ {
		copy(v[i*s:(i+1)*s], x)
		if flags&yescryptRW != 0 && i > 1 {
			j := wrap(integerify(x, r), i)
			blkXor(x, v[j*s:(j+1)*s])
		}
		blockMix(x, y, r, ctx)
	}
	storeShuffled(b, x, r)
}

// smix2 is the second loop of SMix: nloop data-dependent reads of v (and,
// in RW mode, writes back).
//
//go:norace
func smix2(b []byte, r int, n, nloop uint64, flags uint32, v, xy []uint32, ctx *pwxCtx) {
	s := uint64(32 * r)
	x, y := xy[:s], xy[s:2*s]
	loadShuffled(x, b, r)
	for i := uint64(0); i < nloop; i++ {
		j := integerify(x, r) & (n - 1)
		vj := v[j*s : (j+1)*s]
		blkXor(x, vj)
		if flags&yescryptRW != 0 {
			copy(vj, x)
		}
		blockMix(x, y, r, ctx)
	}
	storeShuffled(b, x, r)
}

func smix(b []byte, r int, n uint64, p, t uint32, flags uint32, v, xy []uint32, ctxs []pwxCtx, passwd []byte) {
	s := uint64(32 * r)
	nchunk := n / uint64(p)
	nloopAll := nchunk
	if flags&yescryptRW != 0 {
		if t <= 1 {
			if t != 0 {
				nloopAll *= 2
			}
			nloopAll = (nloopAll + 2) / 3
		} else {
			nloopAll *= uint64(t) - 1
		}
	} else if t != 0 {
		if t == 1 {
			nloopAll += (nloopAll + 1) / 2
		}
		nloopAll *= uint64(t)
	}
	var nloopRW uint64
	if flags&yescryptRW != 0 {
		nloopRW = nloopAll / uint64(p)
	}
	nchunk &^= 1
	nloopAll = (nloopAll + 1) &^ 1
	nloopRW = (nloopRW + 1) &^ 1

	blk := 128 * r
	vchunk := uint64(0)
	for i := uint32(0); i < p; i, vchunk = i+1, vchunk+nchunk {
		np := nchunk
		if i == p-1 {
			np = n - vchunk
		}
		bp := b[int(i)*blk : int(i+1)*blk]
		vp := v[vchunk*s:]
		var ctx *pwxCtx
		if flags&yescryptRW != 0 {
			ctx = &ctxs[i]
			// The S-boxes are filled by a plain scrypt SMix1 with r=1.
			smix1(bp, 1, sBytes/128, 0, ctx.s, xy, nil)
			ctx.s2, ctx.s1, ctx.s0, ctx.w = 0, sPart, 2*sPart, 0
			if i == 0 {
				mac := hmac.New(sha256.New, bp[blk-64:])
				mac.Write(passwd[:32])
				mac.Sum(passwd[:0])
			}
		}
		smix1(bp, r, np, flags, vp, xy, ctx)
		smix2(bp, r, p2floor(np), nloopRW, flags, vp, xy, ctx)
	}
	for i := uint32(0); i < p; i++ {
		var ctx *pwxCtx
		if flags&yescryptRW != 0 {
			ctx = &ctxs[i]
		}
		smix2(b[int(i)*blk:int(i+1)*blk], r, n, nloopAll-nloopRW, flags&^yescryptRW, v, xy, ctx)
	}
}

// yescryptBody is yescrypt_kdf_body for a 32-byte output.
func yescryptBody(passwd, salt []byte, flags uint32, n uint64, r int, p, t uint32, prehash bool) []byte {
	var sha [32]byte
	if flags != 0 {
		key := "yescrypt"
		if prehash {
			key = "yescrypt-prehash"
		}
		mac := hmac.New(sha256.New, []byte(key))
		mac.Write(passwd)
		mac.Sum(sha[:0])
		passwd = sha[:]
	}
	b := pbkdf2.Key(passwd, salt, 1, 128*r*int(p), sha256.New)
	if flags != 0 {
		copy(sha[:], b[:32])
	}
	v := getWords(uint64(32*r) * n)
	defer putWords(v)
	xy := make([]uint32, 64*r)
	if flags&yescryptRW != 0 {
		s := make([]uint32, sWords*int(p))
		ctxs := make([]pwxCtx, p)
		for i := range ctxs {
			ctxs[i].s = s[i*sWords : (i+1)*sWords]
		}
		smix(b, r, n, p, t, flags, v, xy, ctxs, sha[:])
	} else {
		for i := 0; i < int(p); i++ {
			smix(b[128*r*i:128*r*(i+1)], r, n, 1, t, flags, v, xy, nil, nil)
		}
	}
	dk := pbkdf2.Key(passwd, b, 1, 32, sha256.New)
	if flags != 0 && !prehash {
		mac := hmac.New(sha256.New, dk)
		mac.Write([]byte("Client Key"))
		stored := sha256.Sum256(mac.Sum(nil))
		dk = stored[:]
	}
	return dk
}

// yescryptKDF is yescrypt_kdf: in RW mode with enough memory it first
// pre-hashes the password with N/64, so that a cheap first pass can reject
// before the large allocation in implementations that care.
func yescryptKDF(passwd, salt []byte, p *yescryptParams) []byte {
	n := uint64(1) << p.logN
	r := int(p.r)
	if p.flags&yescryptRW != 0 && n/uint64(p.p) >= 0x100 && n/uint64(p.p)*uint64(r) >= 0x20000 {
		passwd = yescryptBody(passwd, salt, p.flags, n>>6, r, p.p, 0, true)
	}
	return yescryptBody(passwd, salt, p.flags, n, r, p.p, p.t, false)
}

// vPool keeps yescrypt's big V arrays between calls: 16 MiB per login at
// Debian's default is worth reusing rather than leaving to the collector.
// No zeroing is needed: SMix1 writes every block of V before any read of it.
var vPool sync.Pool

func getWords(n uint64) []uint32 {
	if p, ok := vPool.Get().(*[]uint32); ok && uint64(cap(*p)) >= n {
		return (*p)[:n]
	}
	return make([]uint32, n)
}

func putWords(v []uint32) {
	vPool.Put(&v)
}
