package keys

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// The fixtures were made by Dropbear's own dropbearkey; the .pub files are
// what its -y printed for them.
func TestParseDropbearFixtures(t *testing.T) {
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		t.Run(typ, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "dropbear_"+typ))
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := ParsePublic(mustRead(t, filepath.Join("testdata", "dropbear_"+typ+".pub")))
			if err != nil {
				t.Fatal(err)
			}
			k, err := ParsePrivate(data, nil)
			if err != nil {
				t.Fatalf("ParsePrivate: %v", err)
			}
			if k.Format != FormatDropbear {
				t.Errorf("format %v, want Dropbear", k.Format)
			}
			if !bytes.Equal(k.PublicKey().Marshal(), want.Marshal()) {
				t.Errorf("public key %s, dropbearkey -y said %s", FingerprintLine(k.PublicKey(), "sha256", ""), FingerprintLine(want, "sha256", ""))
			}
			// Written back, the file is byte for byte what Dropbear wrote.
			out, err := MarshalDropbear(k.Key)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, data) {
				t.Errorf("MarshalDropbear differs from dropbearkey's file")
			}
			s, err := k.Signer()
			if err != nil {
				t.Fatal(err)
			}
			sig, err := s.Sign(nil, []byte("data"))
			if err != nil {
				t.Fatal(err)
			}
			if err := want.Verify([]byte("data"), sig); err != nil {
				t.Errorf("signature does not verify with the public key: %v", err)
			}
		})
	}
}

func TestDropbearRoundTripGenerated(t *testing.T) {
	for _, c := range []struct {
		typ  string
		bits int
	}{{"ed25519", 0}, {"ecdsa", 384}, {"ecdsa", 521}, {"rsa", 2048}} {
		k, err := Generate(c.typ, c.bits)
		if err != nil {
			t.Fatal(err)
		}
		b, err := MarshalDropbear(k)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseDropbear(b)
		if err != nil {
			t.Fatalf("%s %d: %v", c.typ, c.bits, err)
		}
		p1, _ := ssh.NewPublicKey(k.Public())
		if !bytes.Equal(got.PublicKey().Marshal(), p1.Marshal()) {
			t.Errorf("%s %d: public key changed in the round trip", c.typ, c.bits)
		}
	}
}

func TestParseDropbearErrorsNameOffset(t *testing.T) {
	good := mustRead(t, filepath.Join("testdata", "dropbear_ed25519"))
	seed := make([]byte, 32)
	k := ed25519.NewKeyFromSeed(seed)
	mismatched, _ := MarshalDropbear(k)
	mismatched[len(mismatched)-1] ^= 1
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", good[:40], "length 64 past the end of the file at byte offset 15"},
		{"trailing", append(append([]byte{}, good...), 0), "trailing data at byte offset 83"},
		{"mismatch", mismatched, "does not match"},
		{"unknown type", []byte("\x00\x00\x00\x03abc"), "unknown key type"},
	} {
		_, err := ParseDropbear(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if err != nil && !errors.Is(err, ErrInvalidFormat) {
			t.Errorf("%s: %v is not ErrInvalidFormat", c.name, err)
		}
	}
	if LooksDropbear([]byte("-----BEGIN OPENSSH PRIVATE KEY-----")) {
		t.Error("a PEM file looks like a Dropbear key")
	}
}

func FuzzParseDropbear(f *testing.F) {
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		data, err := os.ReadFile(filepath.Join("testdata", "dropbear_"+typ))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("\x00\x00\x00\x07ssh-dss"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseDropbear(data)
		if err != nil {
			return
		}
		out, err := MarshalDropbear(k.Key)
		if err != nil {
			t.Fatalf("parsed key does not marshal: %v", err)
		}
		again, err := ParseDropbear(out)
		if err != nil || !bytes.Equal(again.PublicKey().Marshal(), k.PublicKey().Marshal()) {
			t.Fatalf("round trip changed the key: %v", err)
		}
	})
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
