package algo

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	mrand "math/rand"
	"testing"

	"golang.org/x/crypto/chacha20"
)

// refBlock is ChaCha20's block function as RFC 8439 section 2.3 writes it,
// one word at a time: the reference the cipher x/crypto/ssh uses is held to.
func refBlock(key [8]uint32, counter uint32, nonce [3]uint32) (out [64]byte) {
	in := [16]uint32{0x61707865, 0x3320646e, 0x79622d32, 0x6b206574}
	copy(in[4:], key[:])
	in[12] = counter
	copy(in[13:], nonce[:])
	x := in
	qr := func(a, b, c, d int) {
		x[a] += x[b]
		x[d] = bits.RotateLeft32(x[d]^x[a], 16)
		x[c] += x[d]
		x[b] = bits.RotateLeft32(x[b]^x[c], 12)
		x[a] += x[b]
		x[d] = bits.RotateLeft32(x[d]^x[a], 8)
		x[c] += x[d]
		x[b] = bits.RotateLeft32(x[b]^x[c], 7)
	}
	for range 10 {
		qr(0, 4, 8, 12)
		qr(1, 5, 9, 13)
		qr(2, 6, 10, 14)
		qr(3, 7, 11, 15)
		qr(0, 5, 10, 15)
		qr(1, 6, 11, 12)
		qr(2, 7, 8, 13)
		qr(3, 4, 9, 14)
	}
	for i := range x {
		binary.LittleEndian.PutUint32(out[4*i:], x[i]+in[i])
	}
	return out
}

// TestChaCha20KeyStream holds the ChaCha20 that x/crypto/ssh encrypts with
// (on amd64 in the release build, the assembly scripts/xcrypto adds:
// sixteen blocks a pass with AVX-512, six with AVX2, the generic code for
// the rest) to the reference: random keys, nonces and counters, up to six
// AVX-512 passes, in pieces of random size, in place and not. scripts/test
// runs it again with GODEBUG=cpu.avx512f=off, for the AVX2 code alone, and
// with AVX2 off too, for the generic code.
func TestChaCha20KeyStream(t *testing.T) {
	r := mrand.New(mrand.NewSource(1))
	for i := range 3000 {
		var keyb [32]byte
		var nonceb [12]byte
		r.Read(keyb[:])
		r.Read(nonceb[:])
		counter := uint32(r.Intn(1 << 20))
		if i%7 == 0 {
			counter = 1<<32 - 80 + uint32(r.Intn(20)) // passes up to the last block
		}
		n := r.Intn(6 * 1024)
		if int(1<<32-uint64(counter))*64 < n {
			n = int(1<<32-uint64(counter)) * 64
		}
		var key [8]uint32
		var nonce [3]uint32
		for j := range key {
			key[j] = binary.LittleEndian.Uint32(keyb[4*j:])
		}
		for j := range nonce {
			nonce[j] = binary.LittleEndian.Uint32(nonceb[4*j:])
		}
		src := make([]byte, n)
		r.Read(src)
		want := make([]byte, 0, n+64)
		for b := counter; len(want) < n; b++ {
			ks := refBlock(key, b, nonce)
			want = append(want, ks[:]...)
		}
		for j := range src {
			want[j] ^= src[j]
		}
		want = want[:n]

		c, err := chacha20.NewUnauthenticatedCipher(keyb[:], nonceb[:])
		if err != nil {
			t.Fatal(err)
		}
		c.SetCounter(counter)
		got := make([]byte, n)
		inPlace := i%2 == 0
		if inPlace {
			copy(got, src)
		}
		for off := 0; off < n; {
			k := min(n-off, 1+r.Intn(1000))
			if r.Intn(3) == 0 {
				k = n - off
			}
			if inPlace {
				c.XORKeyStream(got[off:off+k], got[off:off+k])
			} else {
				c.XORKeyStream(got[off:off+k], src[off:off+k])
			}
			off += k
		}
		if !bytes.Equal(got, want) {
			for j := range got {
				if got[j] != want[j] {
					t.Fatalf("case %d (counter %d, %d bytes, in place %v): first difference at byte %d", i, counter, n, inPlace, j)
				}
			}
		}
	}
}
