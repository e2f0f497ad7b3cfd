// sshbox: added to golang.org/x/crypto/internal/poly1305 by scripts/xcrypto
// (see sum_asm.go): the architectures with assembly of their own but no
// vector code from sshbox take Write's whole blocks through update too.

//go:build gc && !purego && (loong64 || ppc64 || ppc64le || riscv64)

package poly1305

func updateBlocks(state *macState, msg []byte) { update(state, msg) }
