// sshbox: added to golang.org/x/crypto/internal/poly1305 by scripts/xcrypto
// (see _xcrypto/README.md). The vector code against the generic one.

//go:build gc && !purego && amd64

package poly1305

import (
	"math/rand/v2"
	"testing"
)

// TestVectorAgainstGeneric compares tags for random keys, messages of every
// length around the vector code's threshold and its 64-byte groups up to
// several KiB, written whole and in pieces, from random accumulators
// (including the largest the scalar code allows, just under 2*(2^130-5)),
// with the generic code's. x/crypto's own vectors hold few messages long
// enough for the vector code.
func TestVectorAgainstGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	msg := make([]byte, 70001)
	ones := make([]byte, 70001) // every limb of every block at its largest
	for i := range msg {
		msg[i] = byte(rng.Uint32())
		ones[i] = 0xff
	}
	lengths := []int{0, 15, 16, 63, 64, 65, 1000, 65536, 66000, 70000}
	for n := vecMin - 130; n < vecMin+200; n++ {
		lengths = append(lengths, n)
	}
	for n := 2048; n < 8192; n += 61 {
		lengths = append(lengths, n)
	}
	states := [][3]uint64{
		{},
		{^uint64(0), ^uint64(0), 3},         // 2^130 - 1
		{^uint64(0) - 10, ^uint64(0), 7},    // 2*(2^130-5) - 1
		{0xfffffffffffffffb, ^uint64(0), 3}, // p
		{rng.Uint64(), rng.Uint64(), 1},
	}
	for i, n := range lengths {
		var key [32]byte
		for j := range key {
			key[j] = byte(rng.Uint32())
		}
		if i%7 == 0 {
			// A key with every bit the clamp leaves set.
			for j := range key {
				key[j] = 0xff
			}
		}
		for _, s := range states {
			src := msg
			if i%5 == 0 {
				src = ones
			}
			in := src[:n]
			if i%3 == 1 {
				in = src[1 : n+1] // unaligned
			}
			want := newMACGeneric(&key)
			want.h = s
			want.Write(in)
			var w [16]byte
			want.Sum(&w)

			got := New(&key)
			got.h = s
			cut := 0
			if n > 0 {
				cut = rng.IntN(n)
			}
			got.Write(in[:cut])
			got.Write(in[cut:])
			var g [16]byte
			got.Sum(g[:0])
			if g != w {
				t.Fatalf("length %d, state %x, written at %d: tag %x, generic %x", n, s, cut, g, w)
			}
			if !useAVX2 {
				continue
			}
			// The vector code alone, on whole groups, against one update.
			if n >= 64 {
				m := in[:n&^63]
				a, b := want.macState, want.macState
				a.h, b.h = s, s
				updateAVX2(&a, m)
				updateGeneric(&b, m)
				var ta, tb [16]byte
				finalize(&ta, &a.h, &a.s)
				finalize(&tb, &b.h, &b.s)
				if ta != tb {
					t.Fatalf("length %d, state %x: updateAVX2 gives %x, generic %x", len(m), s, ta, tb)
				}
			}
		}
	}
}
