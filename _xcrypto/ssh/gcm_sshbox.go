// sshbox: added to golang.org/x/crypto/ssh by scripts/xcrypto (see
// _xcrypto/README.md).

package ssh

import "crypto/cipher"

// gcmAEAD is AES-GCM for newGCMCipher: the VAES code where the CPU has it
// (gcm_vaes_amd64.go), Go's otherwise.
func gcmAEAD(key []byte, block cipher.Block) (cipher.AEAD, error) {
	if a := newVAESGCM(key); a != nil {
		return a, nil
	}
	return cipher.NewGCM(block)
}
