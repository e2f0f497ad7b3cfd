package ssh

// OpenSSH's UMAC MACs, umac-64@openssh.com and umac-128@openssh.com with
// their -etm variants (OpenSSH's first by default), from
// golang.org/x/crypto/internal/umac, which sshbox adds. The packet ciphers
// (cipher.go) write every MAC the sequence number first after Reset; UMAC
// takes those four bytes as its nonce.

import (
	"crypto/fips140"
	"hash"

	"golang.org/x/crypto/internal/umac"
)

// The names OpenSSH gives UMAC in its MAC lists.
const (
	umac64ETM  = "umac-64-etm@openssh.com"
	umac128ETM = "umac-128-etm@openssh.com"
	umac64     = "umac-64@openssh.com"
	umac128    = "umac-128@openssh.com"
)

func init() {
	// UMAC is not a FIPS 140 algorithm; mac.go's init leaves the
	// non-approved MACs out in FIPS mode, and so does this one.
	if fips140.Enabled() {
		return
	}
	for _, m := range []struct {
		name   string
		etm    bool
		tagLen int
	}{{umac64ETM, true, 8}, {umac128ETM, true, 16}, {umac64, false, 8}, {umac128, false, 16}} {
		tagLen := m.tagLen
		macModes[m.name] = &macMode{16, m.etm, func(key []byte) hash.Hash { return umac.New(key, tagLen) }}
		supportedMACs = append(supportedMACs, m.name)
	}
}
