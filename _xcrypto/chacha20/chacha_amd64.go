// sshbox: added to golang.org/x/crypto/chacha20 by scripts/xcrypto (see
// _xcrypto/README.md). x/crypto has assembly for ChaCha20 on arm64, ppc64,
// s390x and loong64 but not on amd64, where its generic Go code makes 0.66
// GB/s on the bench machine against 2.4-2.9 GB/s for chacha_amd64.s (AVX2)
// and 7.6 GB/s for chacha_avx512_amd64.s (AVX-512).

//go:build gc && !purego

package chacha20

import "golang.org/x/sys/cpu"

// bufSize stays one block, as in x/crypto's generic code: the Cipher is
// on the stack of every caller (x/crypto/ssh makes two per packet), and six
// blocks there made the goroutines that read and write packets need more
// stack, 6-9 KiB more per idle connection in sshd (docs/performance.md).
const bufSize = blockSize

// passSize is what one pass of xorKeyStreamAVX2 makes: six blocks, two in
// each of three sets of four YMM registers.
const passSize = 6 * blockSize

// pass512 is what one pass of xorKeyStreamAVX512 makes: sixteen blocks,
// one to each 32-bit lane of a ZMM register.
const pass512 = 16 * blockSize

// useAVX2 is false on CPUs without AVX2 and under GODEBUG=cpu.avx2=off,
// which is how scripts/test runs x/crypto's tests on the generic code too;
// useAVX512 likewise without AVX-512F (and the OS's support for its
// registers) and under GODEBUG=cpu.avx512f=off, which runs them on the AVX2
// code.
var (
	useAVX2   = cpu.X86.HasAVX2
	useAVX512 = cpu.X86.HasAVX512F
)

// xorKeyStreamAVX2 XORs n bytes of key stream (n a multiple of passSize)
// from src into dst and advances *counter by n/64.
//
//go:noescape
func xorKeyStreamAVX2(dst, src *byte, n int, key *[8]uint32, counter *uint32, nonce *[3]uint32)

// xorKeyStreamAVX512 is xorKeyStreamAVX2 for n a multiple of pass512.
//
//go:noescape
func xorKeyStreamAVX512(dst, src *byte, n int, key *[8]uint32, counter *uint32, nonce *[3]uint32)

// xorKeyStreamBlocks is called with whole blocks, and XORKeyStream has
// already made sure the counter does not wrap. With AVX-512 whole passes of
// sixteen blocks go to xorKeyStreamAVX512, what is left of them to the AVX2
// code; the last blocks short of a pass, at most five, go through the
// generic code.
func (s *Cipher) xorKeyStreamBlocks(dst, src []byte) {
	if n := len(src) - len(src)%pass512; useAVX512 && n > 0 {
		xorKeyStreamAVX512(&dst[0], &src[0], n, &s.key, &s.counter, &s.nonce)
		dst, src = dst[n:], src[n:]
	}
	if n := len(src) - len(src)%passSize; useAVX2 && n > 0 {
		xorKeyStreamAVX2(&dst[0], &src[0], n, &s.key, &s.counter, &s.nonce)
		dst, src = dst[n:], src[n:]
	}
	if len(src) > 0 {
		s.xorKeyStreamBlocksGeneric(dst, src)
	}
}
