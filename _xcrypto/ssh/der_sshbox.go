// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import (
	"encoding/asn1"
	"errors"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"golang.org/x/crypto/ssh/internal/derkey"
)

// The DER that keys.go and ssh_gss.go read and write through
// encoding/asn1's reflection upstream, written with cryptobyte, so that
// a binary needs neither encoding/asn1's Marshal and Unmarshal nor
// crypto/x509 (whose PEM key functions keys.go takes from derkey, a copy
// of sshbox's internal/derkey): 160 KiB of sshbox's binary.

// errIncorrectPassword is what ParseRawPrivateKeyWithPassphrase returns
// for a wrong passphrase: derkey's, with crypto/x509's text.
var errIncorrectPassword = derkey.ErrIncorrectPassword

// unmarshalECDSASignature reads the SEQUENCE { r, s INTEGER } that
// crypto/ecdsa's Sign returns. Like the asn1.Unmarshal it replaces, it
// ignores what follows r and s, inside the SEQUENCE and after it.
func unmarshalECDSASignature(der []byte, r, s **big.Int) error {
	var seq cryptobyte.String
	in := cryptobyte.String(der)
	*r, *s = new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1Integer(*r) || !seq.ReadASN1Integer(*s) {
		return errors.New("ssh: malformed ECDSA signature")
	}
	return nil
}

// marshalOID encodes an OBJECT IDENTIFIER, as asn1.Marshal does.
func marshalOID(oid asn1.ObjectIdentifier) []byte {
	var b cryptobyte.Builder
	b.AddASN1ObjectIdentifier(oid)
	return b.BytesOrPanic()
}

// unmarshalOID reads one OBJECT IDENTIFIER from the front of der and
// returns what follows it, as asn1.Unmarshal does.
func unmarshalOID(der []byte, oid *asn1.ObjectIdentifier) (rest []byte, err error) {
	in := cryptobyte.String(der)
	if !in.ReadASN1ObjectIdentifier(oid) {
		return nil, errors.New("ssh: malformed OID")
	}
	return in, nil
}
