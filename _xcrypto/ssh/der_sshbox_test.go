// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
	"testing"
)

func TestMarshalOIDAsASN1(t *testing.T) {
	for _, oid := range []asn1.ObjectIdentifier{krb5Mesh, {1, 3, 6, 1, 5, 5, 2}, {2, 5, 4, 3}, {2, 999, 1<<31 - 1}, {0, 39}} {
		want, err := asn1.Marshal(oid)
		if err != nil {
			t.Fatal(err)
		}
		if got := marshalOID(oid); !bytes.Equal(got, want) {
			t.Errorf("marshalOID(%v) = %x, encoding/asn1 %x", oid, got, want)
		}
	}
}

// FuzzUnmarshalOID holds unmarshalOID to what parseGSSAPIPayload got from
// asn1.Unmarshal: the same OIDs taken, the same refused, the same rest.
func FuzzUnmarshalOID(f *testing.F) {
	f.Add(marshalOID(krb5Mesh))
	f.Add(append(marshalOID(asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 2}), 0, 1))
	f.Add([]byte{6, 5, 0x8f, 0xff, 0xff, 0xff, 0x7f})
	f.Add([]byte{6, 1, 0x80})
	f.Add([]byte{6, 0})
	f.Fuzz(func(t *testing.T, der []byte) {
		var got, want asn1.ObjectIdentifier
		rest, err := unmarshalOID(der, &got)
		wrest, werr := asn1.Unmarshal(der, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("%x: unmarshalOID %v, encoding/asn1 %v", der, err, werr)
		}
		if err == nil && (!got.Equal(want) || !bytes.Equal(rest, wrest)) {
			t.Fatalf("%x: unmarshalOID %v rest %x, encoding/asn1 %v rest %x", der, got, rest, want, wrest)
		}
	})
}

func TestUnmarshalECDSASignature(t *testing.T) {
	for _, c := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		d := sha256.Sum256([]byte("sign me"))
		for i := 0; i < 20; i++ {
			der, err := k.Sign(rand.Reader, d[:], nil)
			if err != nil {
				t.Fatal(err)
			}
			var r, s *big.Int
			if err := unmarshalECDSASignature(der, &r, &s); err != nil {
				t.Fatal(err)
			}
			var want struct{ R, S *big.Int }
			if _, err := asn1.Unmarshal(der, &want); err != nil {
				t.Fatal(err)
			}
			if r.Cmp(want.R) != 0 || s.Cmp(want.S) != 0 {
				t.Fatalf("%x: r, s = %v, %v; encoding/asn1 %v, %v", der, r, s, want.R, want.S)
			}
			if err := unmarshalECDSASignature(der[:len(der)-1], &r, &s); err == nil {
				t.Fatalf("%x: truncated signature taken", der)
			}
		}
	}
}

// FuzzUnmarshalECDSASignature holds unmarshalECDSASignature to what
// keys.go got from asn1.Unmarshal: the same signatures taken, with the same
// numbers, the same refused.
func FuzzUnmarshalECDSASignature(f *testing.F) {
	f.Add([]byte{0x30, 6, 2, 1, 1, 2, 1, 2})
	f.Add([]byte{0x30, 6, 2, 1, 0xff, 2, 1, 2})
	f.Add([]byte{0x30, 7, 2, 2, 0, 0x80, 2, 1, 2})
	f.Add([]byte("0\b\x02\x010\x02\x01000"))
	f.Fuzz(func(t *testing.T, der []byte) {
		var r, s *big.Int
		err := unmarshalECDSASignature(der, &r, &s)
		var want struct{ R, S *big.Int }
		_, werr := asn1.Unmarshal(der, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("%x: unmarshalECDSASignature %v, encoding/asn1 %v", der, err, werr)
		}
		if err == nil && (r.Cmp(want.R) != 0 || s.Cmp(want.S) != 0) {
			t.Fatalf("%x: r, s = %v, %v; encoding/asn1 %v, %v", der, r, s, want.R, want.S)
		}
	})
}
