// sshbox: added to golang.org/x/crypto/ssh by scripts/xcrypto (see
// _xcrypto/README.md and gcm_vaes_amd64.go).

//go:build !amd64 || !gc || purego

package ssh

import "crypto/cipher"

// newVAESGCM: the VAES code is amd64's alone; elsewhere x/crypto uses Go's
// AES-GCM.
func newVAESGCM(key []byte) cipher.AEAD { return nil }
