// sshbox: added to golang.org/x/crypto/internal/poly1305 by scripts/xcrypto
// (see _xcrypto/README.md). x/crypto's Poly1305 on amd64 is scalar
// assembly (sum_amd64.s, one 16-byte block after another, 4.4 GB/s on the
// bench machine); chacha20-poly1305@openssh.com spends as long in it as in
// ChaCha20 since ChaCha20 has vector code. Here a message's whole 64-byte
// groups go to sum_avx2_amd64.s, four blocks at a time, where the CPU has
// AVX2; the rest, short messages and CPUs without AVX2 (and
// GODEBUG=cpu.avx2=off) take x/crypto's scalar code.
//
// The vector code keeps four accumulators, one per 64-bit lane, in radix
// 2^26 (five limbs of 26 bits, so that VPMULUDQ's 32x32-bit products of a
// limb and a multiplier limb, five of them summed, stay within 64 bits).
// Lane j takes blocks j, j+4, j+8... and multiplies by r^4 after each
// group; for the last group lane j multiplies by r^(4-j) instead, so that
// the four lanes' sum is the Horner evaluation of the whole message, as
// the scalar code would make it one block at a time.

//go:build gc && !purego

package poly1305

import (
	"math/bits"

	"golang.org/x/sys/cpu"
)

// useAVX2 is false on CPUs without AVX2 and under GODEBUG=cpu.avx2=off,
// which is how scripts/test runs x/crypto's tests on the scalar code too.
var useAVX2 = cpu.X86.HasAVX2

// vecMin is the shortest message the vector code takes: below it the
// powers of r it computes first (about 200 ns) cost more than the blocks
// save. On the bench machine the two break even at 2 KiB; a bulk SSH
// packet is 32 KiB, where the vector code makes 7.3 GB/s.
const vecMin = 2048

// blocksAVX2 adds len(msg)/64 groups of four blocks (len(msg) a non-zero
// multiple of 64) to acc, the accumulator in radix 2^26 (limb i the
// coefficient of 2^(26i)), multiplying by tab's rows: acc returns the five
// sums of products, not yet carried.
//
//go:noescape
func blocksAVX2(acc *[5]uint64, tab *powerTable, msg []byte)

// powerTable holds the vector code's multipliers, each row one limb in the
// four 64-bit lanes of a YMM register: rows 0-4 are r^4's limbs and 5-8
// five times limbs 1-4 (for the products that wrap past 2^130, since 2^130
// = 5 mod p); rows 9-17 the same for the last group, a different power in
// each lane.
type powerTable [18][4]uint64

const mask26 = 1<<26 - 1

// limbs is a number in radix 2^26.
type limbs [5]uint64

func toLimbs(h0, h1, h2 uint64) limbs {
	return limbs{h0 & mask26, h0 >> 26 & mask26, (h0>>52 | h1<<12) & mask26, h1 >> 14 & mask26, h1>>40 | h2<<24}
}

// carry brings each limb near 26 bits (the second one may keep a few bits
// more), folding what passes 2^130 back in times five.
func carry(d limbs) limbs {
	c := d[0] >> 26
	d[0] &= mask26
	d[1] += c
	c = d[1] >> 26
	d[1] &= mask26
	d[2] += c
	c = d[2] >> 26
	d[2] &= mask26
	d[3] += c
	c = d[3] >> 26
	d[3] &= mask26
	d[4] += c
	c = d[4] >> 26
	d[4] &= mask26
	d[0] += c * 5
	c = d[0] >> 26
	d[0] &= mask26
	d[1] += c
	return d
}

// mul returns a*b mod 2^130-5, carried.
func mul(a, b limbs) limbs {
	s1, s2, s3, s4 := 5*b[1], 5*b[2], 5*b[3], 5*b[4]
	return carry(limbs{
		a[0]*b[0] + a[1]*s4 + a[2]*s3 + a[3]*s2 + a[4]*s1,
		a[0]*b[1] + a[1]*b[0] + a[2]*s4 + a[3]*s3 + a[4]*s2,
		a[0]*b[2] + a[1]*b[1] + a[2]*b[0] + a[3]*s4 + a[4]*s3,
		a[0]*b[3] + a[1]*b[2] + a[2]*b[1] + a[3]*b[0] + a[4]*s4,
		a[0]*b[4] + a[1]*b[3] + a[2]*b[2] + a[3]*b[1] + a[4]*b[0],
	})
}

// setRows fills nine rows from row on: limbs of p[lane] and five times
// limbs 1-4, lane by lane.
func (t *powerTable) setRows(row int, p [4]limbs) {
	for lane, l := range p {
		for i := range 5 {
			t[row+i][lane] = l[i]
		}
		for i := 1; i < 5; i++ {
			t[row+4+i][lane] = 5 * l[i]
		}
	}
}

// updateAVX2 is update for msg of whole 64-byte groups.
func updateAVX2(state *macState, msg []byte) {
	r := toLimbs(state.r[0], state.r[1], 0)
	r2 := mul(r, r)
	r3 := mul(r2, r)
	r4 := mul(r3, r)
	var tab powerTable
	tab.setRows(0, [4]limbs{r4, r4, r4, r4})
	// The lanes take a group's blocks in the order 0, 2, 1, 3 (how
	// VPUNPCKLQDQ and VPUNPCKHQDQ pair the halves of two YMM loads).
	tab.setRows(9, [4]limbs{r4, r2, r3, r})
	acc := [5]uint64(toLimbs(state.h[0], state.h[1], state.h[2]))
	blocksAVX2(&acc, &tab, msg)
	h := carry(acc)
	// Back to x/crypto's three 64-bit words. The carried limbs make at
	// most a little over 2^130, below the 2*(2^130-5) the scalar code
	// allows its accumulator.
	var w [3]uint64
	for i, l := range h {
		shift := uint(26 * i)
		word, s := shift/64, shift%64
		lo, hi := l<<s, uint64(0)
		if s > 0 {
			hi = l >> (64 - s)
		}
		var c uint64
		w[word], c = bits.Add64(w[word], lo, 0)
		if word < 2 {
			w[word+1], c = bits.Add64(w[word+1], hi, c)
		}
		if word < 1 {
			w[2] += c
		}
	}
	state.h = w
}

// updateBlocks is update for Write's whole blocks: the whole groups of a
// long message to the vector code, the rest (and every short message) to
// x/crypto's scalar code.
func updateBlocks(state *macState, msg []byte) {
	if useAVX2 && len(msg) >= vecMin {
		n := len(msg) &^ 63
		updateAVX2(state, msg[:n])
		msg = msg[n:]
	}
	if len(msg) > 0 {
		update(state, msg)
	}
}
