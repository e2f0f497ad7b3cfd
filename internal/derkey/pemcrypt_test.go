package derkey

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

var pemCipherIDs = []x509.PEMCipher{x509.PEMCipherDES, x509.PEMCipher3DES, x509.PEMCipherAES128, x509.PEMCipherAES192, x509.PEMCipherAES256}

// seeded is a deterministic source of IVs.
func seeded(n uint64) *rand.ChaCha8 {
	var seed [32]byte
	seed[0] = byte(n)
	return rand.NewChaCha8(seed)
}

// decryptDiffers holds DecryptPEMBlock to x509's on b: the same bytes, or
// errors both, ErrIncorrectPassword exactly where x509 says
// IncorrectPasswordError. It returns what went wrong, or "".
func decryptDiffers(b *pem.Block, password []byte) string {
	in := bytes.Clone(b.Bytes)
	ours, err := DecryptPEMBlock(b, password)
	std, stdErr := x509.DecryptPEMBlock(b, password) //nolint:staticcheck // the oracle
	switch {
	case !bytes.Equal(in, b.Bytes):
		return "the input changed"
	case (err == nil) != (stdErr == nil):
		return "ours: " + errText(err) + ", x509: " + errText(stdErr)
	case errors.Is(err, ErrIncorrectPassword) != (stdErr == x509.IncorrectPasswordError): //nolint:staticcheck,errorlint
		return "ours: " + errText(err) + ", x509: " + errText(stdErr)
	case err == nil && !bytes.Equal(ours, std):
		return "the plaintexts differ"
	}
	return ""
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// TestDecryptPEMBlock: blocks x509 encrypts with each cipher decrypt as
// x509 decrypts them, with the right password and with wrong ones.
func TestDecryptPEMBlock(t *testing.T) {
	der := x509.MarshalPKCS1PrivateKey(keys().rsa[0])
	for i, alg := range pemCipherIDs {
		for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 100, len(der)} {
			b := must(x509.EncryptPEMBlock(seeded(uint64(i*1000+n)), "RSA PRIVATE KEY", der[:n], []byte("secret"), alg)) //nolint:staticcheck
			got, err := DecryptPEMBlock(b, []byte("secret"))
			if err != nil || !bytes.Equal(got, der[:n]) {
				t.Errorf("%s, %d bytes: %v", b.Headers["DEK-Info"], n, err)
			}
			if !IsEncryptedPEMBlock(b) {
				t.Error("IsEncryptedPEMBlock: false")
			}
			for w := range 40 {
				if d := decryptDiffers(b, []byte{byte(w)}); d != "" {
					t.Errorf("%s, %d bytes, password %d: %s", b.Headers["DEK-Info"], n, w, d)
				}
			}
		}
	}
	if IsEncryptedPEMBlock(&pem.Block{Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}}) {
		t.Error("IsEncryptedPEMBlock without DEK-Info: true")
	}
}

// TestDecryptPEMBlockHeaders: broken DEK-Info headers and bodies are
// errors, as they are to x509.
func TestDecryptPEMBlockHeaders(t *testing.T) {
	iv8, iv16 := "0102030405060708", "0102030405060708090a0b0c0d0e0f10"
	body := bytes.Repeat([]byte{7}, 32)
	for _, c := range []struct{ dek, body string }{
		{"", ""},
		{"AES-128-CBC", ""},
		{"AES-128-CBC:" + iv16, ""},
		{"AES-512-CBC," + iv16, ""},
		{"aes-128-cbc," + iv16, ""},
		{"AES-128-CBC," + iv16[:30] + "zz", ""},
		{"AES-128-CBC," + iv16[:31], ""},
		{"AES-128-CBC," + iv8, ""},
		{"DES-CBC," + iv16, ""},
		{"DES-CBC," + iv8, "short"},
		{"AES-128-CBC," + iv16, "-"},
		{"AES-256-CBC," + iv16 + ",", ""},
		{"DES-EDE3-CBC," + strings.ToUpper(iv8), ""},
		{"AES-192-CBC, " + iv16, ""},
	} {
		b := &pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"DEK-Info": c.dek}, Bytes: body}
		switch c.body {
		case "short":
			b.Bytes = body[:12]
		case "-":
			b.Bytes = nil
		}
		if d := decryptDiffers(b, []byte("pw")); d != "" {
			t.Errorf("%q: %s", c.dek, d)
		}
	}
	if d := decryptDiffers(&pem.Block{Headers: map[string]string{}}, nil); d != "" {
		t.Errorf("no DEK-Info: %s", d)
	}
}

// TestEncryptPEMBlock: with the same IV, the block is x509's with
// PEMCipherAES128, headers and all.
func TestEncryptPEMBlock(t *testing.T) {
	der := x509.MarshalPKCS1PrivateKey(keys().rsa[0])
	for _, n := range []int{0, 1, 15, 16, 17, len(der)} {
		data := der[:n:n]
		ours := must(EncryptPEMBlock(seeded(uint64(n)), "RSA PRIVATE KEY", data, []byte("pass phrase")))
		std := must(x509.EncryptPEMBlock(seeded(uint64(n)), "RSA PRIVATE KEY", data, []byte("pass phrase"), x509.PEMCipherAES128)) //nolint:staticcheck
		if !reflect.DeepEqual(ours, std) {
			t.Errorf("%d bytes: ours %+v\nx509's %+v", n, ours, std)
		}
		if !bytes.Equal(data, der[:n]) {
			t.Error("the data changed")
		}
	}
	if _, err := EncryptPEMBlock(io.LimitReader(seeded(0), 15), "X", nil, nil); err == nil {
		t.Error("an IV of 15 bytes")
	}
}
