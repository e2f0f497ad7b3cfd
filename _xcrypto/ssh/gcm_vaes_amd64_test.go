// sshbox: added to golang.org/x/crypto/ssh by scripts/xcrypto (see
// _xcrypto/README.md).

//go:build gc && !purego

package ssh

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestVAESGCM seals and opens random messages with the VAES code and with
// Go's AES-GCM and requires the same bytes: every key size, texts from
// nothing to past two sixteen-block passes and an SSH packet's size,
// additional data of every length the VAES code takes and beyond (Go's
// code then), in place and after a prefix, and a changed byte anywhere
// refused.
func TestVAESGCM(t *testing.T) {
	if !useVAESGCM {
		t.Skip("this CPU has no VAES, VPCLMULQDQ and AVX-512 (BW, VL)")
	}
	r := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	var sizes []int
	for n := 0; n <= 40*16+15; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 32768+16, 35000, 35008)
	for _, keyLen := range []int{16, 24, 32} {
		for _, n := range sizes {
			key := fill(keyLen)
			b, err := aes.NewCipher(key)
			if err != nil {
				t.Fatal(err)
			}
			want, err := cipher.NewGCM(b)
			if err != nil {
				t.Fatal(err)
			}
			got := newVAESGCM(key)
			nonce := fill(12)
			aad := fill([]int{0, 4, 4, 13, 16, 64, 65}[n%7])
			plain := fill(n)
			prefix := fill(n % 3)

			sealed := want.Seal(append([]byte(nil), prefix...), nonce, plain, aad)
			if s := got.Seal(append([]byte(nil), prefix...), nonce, plain, aad); !bytes.Equal(s, sealed) {
				t.Fatalf("key %d, text %d, aad %d: sealed differently", keyLen, n, len(aad))
			}
			inPlace := make([]byte, n, n+16)
			copy(inPlace, plain)
			if s := got.Seal(inPlace[:0], nonce, inPlace, aad); !bytes.Equal(s, sealed[len(prefix):]) {
				t.Fatalf("key %d, text %d, aad %d: sealed in place differently", keyLen, n, len(aad))
			}
			ct := sealed[len(prefix):]
			opened, err := got.Open(append([]byte(nil), prefix...), nonce, ct, aad)
			if err != nil || !bytes.Equal(opened, append(append([]byte(nil), prefix...), plain...)) {
				t.Fatalf("key %d, text %d, aad %d: open: %v", keyLen, n, len(aad), err)
			}
			buf := append([]byte(nil), ct...)
			if opened, err := got.Open(buf[:0], nonce, buf, aad); err != nil || !bytes.Equal(opened, plain) {
				t.Fatalf("key %d, text %d, aad %d: open in place: %v", keyLen, n, len(aad), err)
			}
			bad := append([]byte(nil), ct...)
			bad[r.IntN(len(bad))] ^= 1 << r.IntN(8)
			if _, err := got.Open(nil, nonce, bad, aad); err == nil {
				t.Fatalf("key %d, text %d, aad %d: a changed byte was not refused", keyLen, n, len(aad))
			}
			if len(aad) > 0 {
				badAAD := append([]byte(nil), aad...)
				badAAD[0] ^= 0x80
				if _, err := got.Open(nil, nonce, ct, badAAD); err == nil {
					t.Fatalf("key %d, text %d: changed additional data was not refused", keyLen, n)
				}
			}
		}
	}
}

// TestExpandAESKey checks the key schedule against crypto/aes through
// the assembly's block encryption, including the all-ones key and block.
func TestExpandAESKey(t *testing.T) {
	if !useVAESGCM {
		t.Skip("this CPU has no VAES, VPCLMULQDQ and AVX-512 (BW, VL)")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		key := make([]byte, []int{16, 24, 32}[i%3])
		var in [16]byte
		for j := range key {
			key[j] = byte(r.Uint32())
		}
		for j := range in {
			in[j] = byte(r.Uint32())
		}
		if i < 3 {
			for j := range key {
				key[j] = 0xff
			}
			in = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		}
		b, _ := aes.NewCipher(key)
		var want, got [16]byte
		b.Encrypt(want[:], in[:])
		g := newVAESGCM(key).(*vaesGCM)
		vaesEncryptBlock(g, &got, &in)
		if got != want {
			t.Fatalf("key %x: block %x, want %x", key, got, want)
		}
	}
}

// BenchmarkGCMOpen opens a 32 KiB packet with the VAES code and with Go's
// AES-GCM, for AES-128 and AES-256.
func BenchmarkGCMOpen(b *testing.B) {
	for _, keyLen := range []int{16, 32} {
		key := make([]byte, keyLen)
		blk, _ := aes.NewCipher(key)
		goGCM, _ := cipher.NewGCM(blk)
		impls := []cipher.AEAD{goGCM}
		if a := newVAESGCM(key); a != nil {
			impls = append(impls, a)
		}
		nonce, aad := make([]byte, 12), make([]byte, 4)
		plain := make([]byte, 32768+16)
		for i, a := range impls {
			sealed := a.Seal(nil, nonce, plain, aad)
			out := make([]byte, len(plain))
			b.Run(fmt.Sprintf("aes%d/%s", keyLen*8, []string{"go", "vaes"}[i]), func(b *testing.B) {
				b.SetBytes(int64(len(plain)))
				for i := 0; i < b.N; i++ {
					if _, err := a.Open(out[:0], nonce, sealed, aad); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// FuzzVAESGCM seals with the VAES code and with Go's AES-GCM and opens
// what Go's sealed; any difference fails.
func FuzzVAESGCM(f *testing.F) {
	if !useVAESGCM {
		f.Skip("this CPU has no VAES, VPCLMULQDQ and AVX-512 (BW, VL)")
	}
	f.Add(make([]byte, 16), make([]byte, 12), []byte{0, 0, 0, 32}, make([]byte, 32))
	f.Add(make([]byte, 32), make([]byte, 12), []byte{1, 2, 3, 4}, make([]byte, 16*17))
	f.Fuzz(func(t *testing.T, key, nonce, aad, plain []byte) {
		if len(key) != 16 && len(key) != 24 && len(key) != 32 || len(nonce) != 12 {
			return
		}
		b, _ := aes.NewCipher(key)
		want, _ := cipher.NewGCM(b)
		got := newVAESGCM(key)
		sealed := want.Seal(nil, nonce, plain, aad)
		if s := got.Seal(nil, nonce, plain, aad); !bytes.Equal(s, sealed) {
			t.Fatalf("sealed %x, want %x", s, sealed)
		}
		if p, err := got.Open(nil, nonce, sealed, aad); err != nil || !bytes.Equal(p, plain) {
			t.Fatalf("open: %v", err)
		}
	})
}
