// sshbox: added to golang.org/x/crypto/chacha20 by scripts/xcrypto (see
// _xcrypto/README.md). x/crypto has assembly for ChaCha20 on arm64, ppc64,
// s390x and loong64 but not on amd64, where its generic Go code makes 0.66
// GB/s on the bench machine against 2.9 GB/s for chacha_amd64.s.

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

// useAVX2 is false on CPUs without AVX2 and under GODEBUG=cpu.avx2=off,
// which is how scripts/test runs x/crypto's tests on the generic code too.
var useAVX2 = cpu.X86.HasAVX2

// xorKeyStreamAVX2 XORs n bytes of key stream (n a multiple of passSize)
// from src into dst and advances *counter by n/64.
//
//go:noescape
func xorKeyStreamAVX2(dst, src *byte, n int, key *[8]uint32, counter *uint32, nonce *[3]uint32)

// xorKeyStreamBlocks is called with whole blocks, and XORKeyStream has
// already made sure the counter does not wrap. The last blocks short of a
// pass, at most five, go through the generic code.
func (s *Cipher) xorKeyStreamBlocks(dst, src []byte) {
	if n := len(src) - len(src)%passSize; useAVX2 && n > 0 {
		xorKeyStreamAVX2(&dst[0], &src[0], n, &s.key, &s.counter, &s.nonce)
		dst, src = dst[n:], src[n:]
	}
	if len(src) > 0 {
		s.xorKeyStreamBlocksGeneric(dst, src)
	}
}
