// sshbox: this file takes the place of x/crypto's chacha_noasm.go when
// scripts/xcrypto builds the module. It is that file with amd64 left out of
// its build constraint, since chacha_amd64.go serves amd64 now.

//go:build (!amd64 && !arm64 && !loong64 && !s390x && !ppc64 && !ppc64le) || !gc || purego

package chacha20

const bufSize = blockSize

func (s *Cipher) xorKeyStreamBlocks(dst, src []byte) {
	s.xorKeyStreamBlocksGeneric(dst, src)
}
