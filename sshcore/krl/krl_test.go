package krl

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
)

func newKey(t *testing.T) (ssh.PublicKey, ssh.Signer) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := ssh.NewSignerFromSigner(priv)
	p, _ := ssh.NewPublicKey(pub)
	return p, s
}

func cert(t *testing.T, ca ssh.Signer, serial uint64, id string) *ssh.Certificate {
	t.Helper()
	k, _ := newKey(t)
	c := &ssh.Certificate{Key: k, Serial: serial, KeyId: id, CertType: ssh.UserCert, ValidPrincipals: []string{"u"}, ValidBefore: ssh.CertTimeInfinity}
	if err := c.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRoundTrip: what Update and RevokeKey revoke is revoked after Marshal
// and Parse, and nothing else is.
func TestRoundTrip(t *testing.T) {
	revoked, _ := newKey(t)
	byHash, _ := newKey(t)
	fine, _ := newKey(t)
	_, ca := newKey(t)
	_, otherCA := newKey(t)
	spec := "# comment\n\nserial: 5-7\nserial: 9\nid: banned\nsha256: " + string(ssh.MarshalAuthorizedKey(byHash)) +
		string(ssh.MarshalAuthorizedKey(revoked))
	k := &KRL{Version: 3, Comment: "test"}
	if err := k.Update("spec", []byte(spec), ca.PublicKey().Marshal(), false); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(k.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if back.Version != 3 || back.Comment != "test" {
		t.Errorf("header: %+v", back)
	}
	for name, c := range map[string]struct {
		key  ssh.PublicKey
		want bool
	}{
		"revoked key":       {revoked, true},
		"by hash":           {byHash, true},
		"fine":              {fine, false},
		"serial 6":          {cert(t, ca, 6, "x"), true},
		"serial 8":          {cert(t, ca, 8, "x"), false},
		"serial 9":          {cert(t, ca, 9, "x"), true},
		"banned":            {cert(t, ca, 100, "banned"), true},
		"serial 6 other CA": {cert(t, otherCA, 6, "banned"), false},
		"serial 0 never":    {cert(t, ca, 0, "x"), false},
	} {
		if got := back.IsRevoked(c.key); got != c.want {
			t.Errorf("%s: revoked %v, want %v", name, got, c.want)
		}
	}
}

// TestUpdateErrors: bad specification lines name file:line, but where
// OpenSSH's ssh-keygen does not.
func TestUpdateErrors(t *testing.T) {
	_, ca := newKey(t)
	for spec, want := range map[string]string{
		"serial: 5":         "revoking certificates by serial number requires specification of a CA key",
		"\nid: x":           "revoking certificates by key ID requires specification of a CA key",
		"bogus line":        "spec:1: invalid key: invalid format",
		"hash: MD5:aa":      "spec:1: unsupported hash algorithm",
		"hash: SHA256:!!!":  "spec:1: decode hash failed: invalid format",
		"\nhash: SHA256:aa": "update_krl_from_file: revoke key failed: invalid format",
	} {
		if err := (&KRL{}).Update("spec", []byte(spec), nil, false); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", spec, err, want)
		}
	}
	for _, bad := range []string{"serial: 0", "serial: 7-5", "serial: x"} {
		if err := (&KRL{}).Update("spec", []byte(bad), ca.PublicKey().Marshal(), false); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestReadsOpenSSH: KRLs OpenSSH's ssh-keygen writes (bitmaps included)
// parse, and revoke what OpenSSH says they revoke.
func TestReadsOpenSSH(t *testing.T) {
	keygen := testenv.NeedCmd(t, "ssh-keygen")
	dir := t.TempDir()
	caPath := filepath.Join(dir, "ca")
	if out, err := exec.Command(keygen, "-q", "-N", "", "-t", "ed25519", "-f", caPath).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	spec := filepath.Join(dir, "spec")
	os.WriteFile(spec, []byte("serial: 5-7\nserial: 9\nserial: 1000-100000\nid: bob\n"), 0o644)
	krlPath := filepath.Join(dir, "krl")
	if out, err := exec.Command(keygen, "-k", "-f", krlPath, "-s", caPath+".pub", spec).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	data, _ := os.ReadFile(krlPath)
	k, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	caPub, _ := os.ReadFile(caPath + ".pub")
	caKey, _, _, _, _ := ssh.ParseAuthorizedKey(caPub)
	// A certificate's revocation depends only on its CA blob, serial and
	// ID; a stand-in signed by another key with the CA's public key set
	// tests the lookup without the CA's private key.
	_, signer := newKey(t)
	for serial, want := range map[uint64]bool{5: true, 6: true, 8: false, 9: true, 1000: true, 50000: true, 100001: false} {
		c := cert(t, signer, serial, "x")
		c.SignatureKey = caKey
		if got := k.IsRevoked(c); got != want {
			t.Errorf("serial %d: revoked %v, want %v", serial, got, want)
		}
	}
	if !strings.HasPrefix(string(data), Magic) {
		t.Error("no magic")
	}
}

// FuzzParse: no input panics Parse, and what parses writes back into
// something that parses again and revokes the same.
func FuzzParse(f *testing.F) {
	k := &KRL{Version: 1}
	k.RevokeSerials([]byte(nil), 5, 9)
	k.RevokeID(nil, "bob")
	f.Add(k.Marshal())
	f.Add([]byte(Magic))
	f.Add([]byte(Magic + "\x00\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := Parse(data)
		if err != nil {
			return
		}
		if _, err := Parse(k.Marshal()); err != nil {
			t.Fatalf("written back: %v", err)
		}
	})
}

// FuzzUpdate: no specification panics Update.
func FuzzUpdate(f *testing.F) {
	f.Add("serial: 1-5\nid: x\nhash: SHA256:AAAA\n")
	f.Add("key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG41\n")
	f.Add("serial: 3\nserial: 1-2\n")
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	ca, _ := ssh.NewPublicKey(pub)
	f.Fuzz(func(t *testing.T, spec string) {
		k := &KRL{}
		if err := k.Update("spec", []byte(spec), ca.Marshal(), false); err == nil {
			if _, err := Parse(k.Marshal()); err != nil {
				t.Fatalf("%q: written back: %v", spec, err)
			}
		}
	})
}

func TestParseKeyList(t *testing.T) {
	good := "# CAs\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3FzIC8Evg5MNXm8phdVUQgPH3oOT2m5yG7dh7Ak3xV ca\n"
	if keys, err := ParseKeyList("f", []byte(good)); err != nil || len(keys) != 1 {
		t.Fatalf("%v %v", keys, err)
	}
	if _, err := ParseKeyList("f", []byte("ssh-ed25519 AAAA\n")); err == nil || !strings.Contains(err.Error(), "f:1:") {
		t.Fatalf("bad key: %v", err)
	}
	if _, err := ParseKeyList("f", append([]byte("SSHKRL\n\x00"), 1, 2, 3)); err == nil || !strings.Contains(err.Error(), "KRL") {
		t.Fatalf("KRL: %v", err)
	}
}

// TestRevokedBy: a key list revokes a certificate through its key or its
// CA; a KRL also by serial; the answer names the plain key revoked.
func TestRevokedBy(t *testing.T) {
	hostPub, _ := newKey(t)
	caPub, ca := newKey(t)
	otherPub, _ := newKey(t)
	c := cert(t, ca, 7, "host")
	dir := t.TempDir()
	n := 0
	list := func(keys ...ssh.PublicKey) string {
		n++
		p := filepath.Join(dir, fmt.Sprintf("list%d", n))
		var b []byte
		for _, k := range keys {
			b = append(b, ssh.MarshalAuthorizedKey(k)...)
		}
		os.WriteFile(p, b, 0o600)
		return p
	}
	for _, tc := range []struct {
		name string
		path string
		key  ssh.PublicKey
		want ssh.PublicKey
	}{
		{"plain key listed", list(hostPub), hostPub, hostPub},
		{"other key listed", list(otherPub), hostPub, nil},
		{"certificate's key listed", list(c.Key), c, c.Key},
		{"certificate's CA listed", list(otherPub, caPub), c, caPub},
		{"empty list", list(), c, nil},
	} {
		test, err := ReadRevocations(tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := RevokedBy(test, tc.key)
		if (got == nil) != (tc.want == nil) || got != nil && !bytes.Equal(got.Marshal(), tc.want.Marshal()) {
			t.Errorf("%s: revoked %v, want %v", tc.name, got, tc.want)
		}
	}
	k := &KRL{}
	k.RevokeSerials(c.SignatureKey.Marshal(), 5, 9)
	p := filepath.Join(dir, "krl")
	os.WriteFile(p, k.Marshal(), 0o600)
	test, err := ReadRevocations(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := RevokedBy(test, c); got == nil || !bytes.Equal(got.Marshal(), c.Key.Marshal()) {
		t.Errorf("KRL serial 7 in 5-9: revoked %v", got)
	}
	if RevokedBy(test, hostPub) != nil {
		t.Error("KRL revokes the plain key")
	}
	if _, err := ReadRevocations(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file read as no revocations")
	}
	os.WriteFile(p, []byte("not a key\n"), 0o600)
	if _, err := ReadRevocations(p); err == nil || !strings.Contains(err.Error(), p+":1:") {
		t.Errorf("bad line: %v", err)
	}
}

func FuzzParseKeyList(f *testing.F) {
	f.Add([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3FzIC8Evg5MNXm8phdVUQgPH3oOT2m5yG7dh7Ak3xV ca\n"))
	f.Add([]byte("SSHKRL\n\x00"))
	f.Add([]byte("#\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseKeyList("f", b)
	})
}
