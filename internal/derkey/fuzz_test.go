package derkey

import (
	"crypto/x509"
	"encoding/pem"
	"testing"
)

// The fuzz targets hold each parser to x509 (parser.differ): it accepts
// what x509 accepts as a key of a type this package deals in, to the same
// key, which encodes as x509 encodes it; it refuses the rest, and never
// panics. The seeds are the test keys' encodings, in every format, so
// that each target also sees the others'.

func fuzzParser(f *testing.F, p parser) {
	enc := encodings(f)
	for _, q := range parsers {
		ders := enc[q.name]
		if q.name == p.name && q.name != pkcs1PrivateP.name {
			for _, der := range ders {
				f.Add(der)
			}
			continue
		}
		// RSA keys of 2048 bits and more make every input slow: seed the
		// 1024-bit ones only (two primes and three).
		f.Add(ders[0])
		if len(ders) > 5 {
			f.Add(ders[5])
		}
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		if d := p.differ(der); d != "" {
			t.Fatalf("%s: %s\n%x", p.name, d, der)
		}
	})
}

func FuzzParsePKCS1PrivateKey(f *testing.F) { fuzzParser(f, pkcs1PrivateP) }
func FuzzParsePKCS1PublicKey(f *testing.F)  { fuzzParser(f, pkcs1PublicP) }
func FuzzParseECPrivateKey(f *testing.F)    { fuzzParser(f, sec1PrivateP) }
func FuzzParsePKCS8PrivateKey(f *testing.F) { fuzzParser(f, pkcs8PrivateP) }
func FuzzParsePKIXPublicKey(f *testing.F)   { fuzzParser(f, pkixPublicP) }

// FuzzDecryptPEMBlock holds DecryptPEMBlock to x509's (decryptDiffers) on
// any body, DEK-Info header and password.
func FuzzDecryptPEMBlock(f *testing.F) {
	data := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	for i, alg := range pemCipherIDs {
		for _, n := range []int{0, 5, 16, len(data)} {
			b := must(x509.EncryptPEMBlock(seeded(uint64(10*i+n)), "K", data[:n], []byte("pw"), alg)) //nolint:staticcheck
			f.Add(b.Bytes, b.Headers["DEK-Info"], []byte("pw"))
			f.Add(b.Bytes, b.Headers["DEK-Info"], []byte("wrong"))
		}
	}
	f.Add([]byte{}, "AES-128-CBC,", []byte{})
	f.Fuzz(func(t *testing.T, body []byte, dek string, password []byte) {
		b := &pem.Block{Type: "K", Headers: map[string]string{"DEK-Info": dek}, Bytes: body}
		if d := decryptDiffers(b, password); d != "" {
			t.Fatalf("%q %x %q: %s", dek, body, password, d)
		}
	})
}
