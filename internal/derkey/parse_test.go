package derkey

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// TestParse: x509's encodings of every test key parse to the same key,
// and so do ours; each parser refuses the other formats as x509 does.
func TestParse(t *testing.T) {
	enc := encodings(t)
	for _, p := range parsers {
		if len(enc[p.name]) == 0 {
			t.Fatalf("no encodings for %s", p.name)
		}
		for _, der := range enc[p.name] {
			if _, err := p.ours(der); err != nil {
				t.Errorf("%s: %v", p.name, err)
			}
		}
		for _, q := range parsers {
			for i, der := range enc[q.name] {
				p.check(t, q.name+" encoding "+string(rune('0'+i)), der)
			}
		}
	}
	for _, k := range privateKeys() {
		der, _ := MarshalPKCS8PrivateKey(k)
		if got, err := ParsePKCS8PrivateKey(der); err != nil || !sameKey(got, k) {
			t.Errorf("%T does not survive PKCS #8: %v", k, err)
		}
		der, _ = MarshalPKIXPublicKey(publicOf(k))
		if got, err := ParsePKIXPublicKey(der); err != nil || !sameKey(got, publicOf(k)) {
			t.Errorf("%T's public key does not survive PKIX: %v", k, err)
		}
	}
}

// TestMutations: truncated at every length, every byte with each single
// bit and all bits flipped, and with data after them, the encodings get
// the same verdict from us as from x509, and the same key when accepted.
func TestMutations(t *testing.T) {
	enc := encodings(t)
	for _, p := range parsers {
		// Some of each, in the order of privateKeys: RSA 1024 and with 3
		// primes, P-256 (and with a leading zero), P-384, P-521, Ed25519.
		all := enc[p.name]
		var ders [][]byte
		switch p.name {
		case pkcs1PrivateP.name, pkcs1PublicP.name:
			ders = [][]byte{all[0], all[5]}
		case sec1PrivateP.name:
			ders = [][]byte{all[0], all[1]}
		default:
			ders = [][]byte{all[0], all[5], all[7], all[8], all[10], all[13], all[16]}
		}
		for _, der := range ders {
			for n := range der {
				p.check(t, "truncated", der[:n])
			}
			for i := range der {
				for _, mask := range []byte{1, 2, 4, 8, 16, 32, 64, 128, 0xff} {
					m := []byte(string(der))
					m[i] ^= mask
					p.check(t, "flipped", m)
				}
			}
			for _, tail := range []string{"00", "0000", "0500", "ff", "30", "3000"} {
				p.check(t, "followed by "+tail, append([]byte(string(der)), unhex(tail)...))
			}
		}
	}
}

func unhex(s string) []byte {
	return must(hex.DecodeString(strings.ReplaceAll(s, " ", "")))
}

// der builds an element: tag (a byte) around the concatenated parts.
func der(tag asn1.Tag, parts ...[]byte) []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(tag, func(b *cryptobyte.Builder) {
		for _, p := range parts {
			b.AddBytes(p)
		}
	})
	return b.BytesOrPanic()
}

// elements splits a SEQUENCE into its elements, for rebuilding.
func elements(t testing.TB, d []byte) [][]byte {
	s := cryptobyte.String(d)
	if !s.ReadASN1(&s, asn1.SEQUENCE) {
		t.Fatalf("not a SEQUENCE: %x", d)
	}
	var out [][]byte
	for !s.Empty() {
		var el cryptobyte.String
		if !s.ReadAnyASN1Element(&el, new(asn1.Tag)) {
			t.Fatalf("bad element in %x", d)
		}
		out = append(out, el)
	}
	return out
}

func seq(parts ...[]byte) []byte { return der(asn1.SEQUENCE, parts...) }

func octets(b []byte) []byte { return der(asn1.OCTET_STRING, b) }

func oidDER(id oid) []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1ObjectIdentifier(id)
	return b.BytesOrPanic()
}

func bits(pad byte, b []byte) []byte { return der(asn1.BIT_STRING, append([]byte{pad}, b...)) }

func explicit(n uint8, inner []byte) []byte {
	return der(asn1.Tag(n).Constructed().ContextSpecific(), inner)
}

// TestQuirks: hand-made encodings at the edges of what x509 (through
// encoding/asn1) accepts. accept records its verdict, which differ then
// holds us to; for keys of types this package does not deal in, accept
// is false though x509 accepts them.
func TestQuirks(t *testing.T) {
	k := keys()
	r, ec, ed := k.rsa[0], k.ec[0], k.ed[0]
	pkcs1 := elements(t, x509.MarshalPKCS1PrivateKey(r))
	sec := elements(t, must(x509.MarshalECPrivateKey(ec))) // version, d, [0] curve, [1] public key
	ec384 := must(x509.MarshalECPrivateKey(k.ec[3]))
	p256, p384, p224 := oidDER(oidP256), oidDER(oidP384), oidDER(oid{1, 3, 132, 0, 33})
	spkiRSA := elements(t, must(x509.MarshalPKIXPublicKey(&r.PublicKey)))
	pub := elements(t, x509.MarshalPKCS1PublicKey(&r.PublicKey))
	edPub := []byte(ed.Public().(ed25519.PublicKey))
	ecInner := func(parts ...[]byte) []byte { return seq(append([][]byte{sec[0], sec[1]}, parts...)...) }
	pkcs8 := func(algo []byte, key []byte, more ...[]byte) []byte {
		return seq(append([][]byte{unhex("020100"), algo, octets(key)}, more...)...)
	}
	ecAlgo := func(params ...[]byte) []byte { return seq(append([][]byte{oidDER(oidECDSA)}, params...)...) }
	rsaAlgo := func(params ...[]byte) []byte { return seq(append([][]byte{oidDER(oidRSA)}, params...)...) }
	edAlgo := seq(oidDER(oidEd25519))
	spki := func(algo, key []byte, more ...[]byte) []byte { return seq(append([][]byte{algo, key}, more...)...) }
	x25519 := must(x509.MarshalPKCS8PrivateKey(must(ecdh.X25519().GenerateKey(rand.Reader))))
	p224Key := must(ecdsa.GenerateKey(elliptic.P224(), rand.Reader))
	// Go cannot make DSA keys quickly; x509 checks no more than that the
	// values are positive.
	dsa := spki(seq(oidDER(oid{1, 2, 840, 10040, 4, 1}), seq(unhex("020117 020105 020102"))), bits(0, unhex("020103")))

	for _, c := range []struct {
		p      parser
		what   string
		der    []byte
		accept bool
	}{
		// PKCS #1 private keys.
		{pkcs1PrivateP, "version 1 with two primes", seq(append([][]byte{unhex("020101")}, pkcs1[1:]...)...), true},
		{pkcs1PrivateP, "version -1", seq(append([][]byte{unhex("0201ff")}, pkcs1[1:]...)...), true},
		{pkcs1PrivateP, "version 2", seq(append([][]byte{unhex("020102")}, pkcs1[1:]...)...), false},
		{pkcs1PrivateP, "no CRT values", seq(pkcs1[:6]...), true},
		{pkcs1PrivateP, "only Dp", seq(pkcs1[:7]...), true},
		{pkcs1PrivateP, "a wrong Qinv", seq(append(pkcs1[:8:8], pkcs1[6])...), false},
		{pkcs1PrivateP, "no other primes", seq(append(pkcs1, seq())...), true},
		{pkcs1PrivateP, "then elements of any kind", seq(append(pkcs1, unhex("0500 9f8100 01"))...), true},
		{pkcs1PrivateP, "a SEQUENCE in place of Dp", seq(append(pkcs1[:6:6], seq(), unhex("0500"))...), true},
		{pkcs1PrivateP, "a bad SEQUENCE in place of Dp", seq(append(pkcs1[:6:6], seq(unhex("0500")))...), false},
		{pkcs1PrivateP, "a high tag in place of Dp", seq(append(pkcs1[:6:6], unhex("9f810005"))...), true},
		{pkcs1PrivateP, "a non-minimal high tag in place of Dp", seq(append(pkcs1[:6:6], unhex("9f0100"))...), false},
		{pkcs1PrivateP, "an overlong element in place of Dp", seq(append(pkcs1[:6:6], unhex("0505"))...), true},
		{pkcs1PrivateP, "an overlong INTEGER for Dp", seq(append(pkcs1[:6:6], unhex("0205"))...), false},
		{pkcs1PrivateP, "a 9-byte E", seq(append(append(pkcs1[:2:2], unhex("0209010000000000000001")), pkcs1[3:]...)...), false},
		{pkcs1PrivateP, "indefinite length", append(unhex("3080"), x509.MarshalPKCS1PrivateKey(r)[4:]...), false},
		{pkcs1PrivateP, "an SEC 1 key", must(x509.MarshalECPrivateKey(ec)), false},

		// PKCS #1 public keys.
		{pkcs1PublicP, "E = 2^31-1", seq(pub[0], unhex("02047fffffff")), true},
		{pkcs1PublicP, "E = 2^31", seq(pub[0], unhex("02050080000000")), false},
		{pkcs1PublicP, "E = 0", seq(pub[0], unhex("020100")), false},
		{pkcs1PublicP, "E = -3", seq(pub[0], unhex("0201fd")), false},
		{pkcs1PublicP, "N negative", seq(unhex("0201ff"), pub[1]), false},
		{pkcs1PublicP, "then anything", seq(pub[0], pub[1], unhex("ffff")), true},
		{pkcs1PublicP, "non-minimal E", seq(pub[0], unhex("0202000003")), false},
		{pkcs1PublicP, "a PKIX key", must(x509.MarshalPKIXPublicKey(&r.PublicKey)), false},

		// SEC 1.
		{sec1PrivateP, "no curve", ecInner(sec[3]), false},
		{sec1PrivateP, "no public key", ecInner(sec[2]), true},
		{sec1PrivateP, "a public key of another key", ecInner(sec[2], elements(t, must(x509.MarshalECPrivateKey(k.ec[1])))[3]), true},
		{sec1PrivateP, "a public key BIT STRING with bad padding", ecInner(sec[2], explicit(1, bits(1, unhex("0401")))), false},
		{sec1PrivateP, "a public key BIT STRING with padding", ecInner(sec[2], explicit(1, bits(1, unhex("0402")))), true},
		{sec1PrivateP, "an OCTET STRING for the public key", ecInner(sec[2], explicit(1, octets(nil)), unhex("00")), true},
		{sec1PrivateP, "then anything", ecInner(sec[2], sec[3], unhex("ff")), true},
		{sec1PrivateP, "then an empty element", ecInner(sec[2], sec[3], unhex("0400")), true},
		{sec1PrivateP, "an empty element last", ecInner(sec[2], unhex("0400")), false},
		{sec1PrivateP, "a lone tag last", ecInner(sec[2], unhex("0405")), false},
		{sec1PrivateP, "an empty [0]", ecInner(unhex("a000"), sec[3]), false},
		{sec1PrivateP, "a primitive empty [0]", ecInner(unhex("8000"), sec[3]), false},
		{sec1PrivateP, "a primitive [0] before the curve", ecInner(unhex("800100"), sec[2]), false},
		{sec1PrivateP, "[0] shorter than its OID", ecInner(append(unhex("a001"), p256...), sec[3]), true},
		{sec1PrivateP, "[0] longer than its OID", ecInner(append(unhex("a07f"), p256...), sec[3]), true},
		{sec1PrivateP, "[0] holding an INTEGER", ecInner(explicit(0, unhex("020101"))), false},
		{sec1PrivateP, "[0] holding a malformed OID", ecInner(explicit(0, unhex("0601"))), false},
		{sec1PrivateP, "a P-224 key", must(x509.MarshalECPrivateKey(p224Key)), false},
		{sec1PrivateP, "version 2", seq(append([][]byte{unhex("020102")}, sec[1:]...)...), false},
		{sec1PrivateP, "33 bytes with a leading zero", seq(sec[0], octets(append([]byte{0}, sec[1][2:]...)), sec[2]), true},
		{sec1PrivateP, "33 bytes without", seq(sec[0], octets(append([]byte{1}, sec[1][2:]...)), sec[2]), false},
		{sec1PrivateP, "one byte", seq(sec[0], octets([]byte{1}), sec[2]), true},
		{sec1PrivateP, "no bytes", seq(sec[0], octets(nil), sec[2]), false},
		{sec1PrivateP, "d = N", seq(sec[0], octets(elliptic.P256().Params().N.Bytes()), sec[2]), false},
		{sec1PrivateP, "followed by anything", append(must(x509.MarshalECPrivateKey(ec)), 0xff, 0xff), true},

		// PKCS #8.
		{pkcs8PrivateP, "EC without curve parameters", pkcs8(ecAlgo(), ecInner(explicit(0, p256))), true},
		{pkcs8PrivateP, "EC with NULL parameters", pkcs8(ecAlgo(unhex("0500")), ecInner(explicit(0, p256))), true},
		{pkcs8PrivateP, "EC with a malformed OID", pkcs8(ecAlgo(unhex("0601 80")), ecInner(explicit(0, p256))), true},
		{pkcs8PrivateP, "EC with no curve at all", pkcs8(ecAlgo(), ecInner()), false},
		{pkcs8PrivateP, "EC with the curve in the parameters only", pkcs8(ecAlgo(p256), ecInner()), true},
		{pkcs8PrivateP, "EC with two curves", pkcs8(ecAlgo(p256), ecInner(explicit(0, p384))), true},
		{pkcs8PrivateP, "EC P-384 key named P-256", pkcs8(ecAlgo(p256), ec384), false},
		{pkcs8PrivateP, "EC with an unknown curve", pkcs8(ecAlgo(oidDER(oid{1, 2, 3})), ecInner(explicit(0, p256))), false},
		{pkcs8PrivateP, "EC P-224", must(x509.MarshalPKCS8PrivateKey(p224Key)), false},
		{pkcs8PrivateP, "EC named P-224", pkcs8(ecAlgo(p224), ecInner(explicit(0, p256))), false},
		{pkcs8PrivateP, "RSA without parameters", pkcs8(rsaAlgo(), x509.MarshalPKCS1PrivateKey(r)), true},
		{pkcs8PrivateP, "RSA with a high-tag parameter", pkcs8(rsaAlgo(unhex("bf812000")), x509.MarshalPKCS1PrivateKey(r)), true},
		{pkcs8PrivateP, "RSA with an overlong parameter", pkcs8(rsaAlgo(unhex("0505")), x509.MarshalPKCS1PrivateKey(r)), false},
		{pkcs8PrivateP, "RSA with trailing data", pkcs8(rsaAlgo(), append(x509.MarshalPKCS1PrivateKey(r), 0)), false},
		{pkcs8PrivateP, "version 7 and attributes", seq(unhex("020107"), rsaAlgo(), octets(x509.MarshalPKCS1PrivateKey(r)), unhex("a000")), true},
		{pkcs8PrivateP, "a 9-byte version", seq(unhex("0209010000000000000000"), rsaAlgo(), octets(x509.MarshalPKCS1PrivateKey(r))), false},
		{pkcs8PrivateP, "followed by anything", append(must(x509.MarshalPKCS8PrivateKey(r)), 0xff), true},
		{pkcs8PrivateP, "Ed25519", pkcs8(edAlgo, octets(ed.Seed())), true},
		{pkcs8PrivateP, "Ed25519 with NULL parameters", pkcs8(seq(oidDER(oidEd25519), unhex("0500")), octets(ed.Seed())), false},
		{pkcs8PrivateP, "Ed25519 with a 64-byte key", pkcs8(edAlgo, octets(ed)), false},
		{pkcs8PrivateP, "Ed25519 followed by anything", pkcs8(edAlgo, append(octets(ed.Seed()), 0xff)), true},
		{pkcs8PrivateP, "Ed25519 bare", pkcs8(edAlgo, bytes.Repeat([]byte{0x42}, 32)), false},
		{pkcs8PrivateP, "X25519", x25519, false},
		{pkcs8PrivateP, "an unknown algorithm", pkcs8(seq(oidDER(oid{1, 2, 3})), octets(nil)), false},

		// PKIX.
		{pkixPublicP, "RSA without parameters", spki(rsaAlgo(), spkiRSA[1]), false},
		{pkixPublicP, "RSA with an empty SEQUENCE for parameters", spki(rsaAlgo(seq()), spkiRSA[1]), false},
		{pkixPublicP, "RSA followed by anything in the BIT STRING", spki(spkiRSA[0], bits(0, append(x509.MarshalPKCS1PublicKey(&r.PublicKey), 1, 2))), true},
		{pkixPublicP, "RSA with more in its SEQUENCE", spki(spkiRSA[0], bits(0, seq(pub[0], pub[1], unhex("0500")))), true},
		// An exponent too big for PKCS #1 and, where int has 32 bits, for
		// int.
		{pkixPublicP, "RSA with E = 2^40", spki(spkiRSA[0], bits(0, seq(pub[0], unhex("02060100000000 00")))), strconv.IntSize == 64},
		{pkixPublicP, "RSA with E = 0", spki(spkiRSA[0], bits(0, seq(pub[0], unhex("020100")))), false},
		{pkixPublicP, "then anything", spki(spkiRSA[0], spkiRSA[1], unhex("ffff")), true},
		{pkixPublicP, "followed by anything", append(must(x509.MarshalPKIXPublicKey(&r.PublicKey)), 0), false},
		{pkixPublicP, "Ed25519 with padding bits", spki(edAlgo, bits(1, append(edPub[:31:31], edPub[31]&0xfe))), true},
		{pkixPublicP, "Ed25519 with bad padding", spki(edAlgo, bits(1, append(edPub[:31:31], edPub[31]|1))), false},
		{pkixPublicP, "Ed25519 with NULL parameters", spki(seq(oidDER(oidEd25519), unhex("0500")), bits(0, edPub)), false},
		{pkixPublicP, "Ed25519 of 31 bytes", spki(edAlgo, bits(0, edPub[:31])), false},
		{pkixPublicP, "EC without curve", spki(ecAlgo(), bits(0, must(ec.PublicKey.Bytes()))), false},
		{pkixPublicP, "EC on the wrong curve", spki(ecAlgo(p384), bits(0, must(ec.PublicKey.Bytes()))), false},
		{pkixPublicP, "EC compressed", spki(ecAlgo(p256), bits(0, elliptic.MarshalCompressed(ec.Curve, ec.X, ec.Y))), false},
		{pkixPublicP, "EC P-224", must(x509.MarshalPKIXPublicKey(&p224Key.PublicKey)), false},
		{pkixPublicP, "DSA", dsa, false},
		{pkixPublicP, "X25519", must(x509.MarshalPKIXPublicKey(must(ecdh.X25519().GenerateKey(rand.Reader)).PublicKey())), false},
	} {
		c.p.check(t, c.what, c.der)
		if _, err := c.p.ours(c.der); (err == nil) != c.accept {
			t.Errorf("%s: %s: accepted %v, want %v (%v)", c.p.name, c.what, err == nil, c.accept, err)
		}
	}
}

// TestMisfiled: a key in another format gets x509's hint.
func TestMisfiled(t *testing.T) {
	r, ec := keys().rsa[0], keys().ec[0]
	for _, c := range []struct {
		p   parser
		der []byte
	}{
		{pkcs1PrivateP, must(x509.MarshalECPrivateKey(ec))},
		{pkcs1PrivateP, must(x509.MarshalPKCS8PrivateKey(r))},
		{sec1PrivateP, x509.MarshalPKCS1PrivateKey(r)},
		{sec1PrivateP, must(x509.MarshalPKCS8PrivateKey(ec))},
		{pkcs8PrivateP, x509.MarshalPKCS1PrivateKey(r)},
		{pkcs8PrivateP, must(x509.MarshalECPrivateKey(ec))},
		{pkcs1PublicP, must(x509.MarshalPKIXPublicKey(&r.PublicKey))},
		{pkixPublicP, x509.MarshalPKCS1PublicKey(&r.PublicKey)},
	} {
		_, err := c.p.ours(c.der)
		_, stdErr := c.p.std(c.der)
		if err == nil || stdErr == nil || err.Error() != stdErr.Error() {
			t.Errorf("%s: %v, x509: %v", c.p.name, err, stdErr)
		}
	}
	if _, err := ParsePKCS1PrivateKey(nil); err == nil || strings.Contains(err.Error(), "instead") {
		t.Errorf("nothing: %v", err)
	}
}
