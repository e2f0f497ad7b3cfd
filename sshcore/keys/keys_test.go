package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
)

func testSigner(t testing.TB) (ed25519.PrivateKey, ssh.PublicKey) {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ssh.NewPublicKey(k.Public())
	return k, p
}

// OpenSSH encrypts with bcrypt_pbkdf (one round here: the cost is the
// same code many times, and the race detector makes it slow); ours must
// decrypt it, and the comment must come out of the encrypted block.
func TestDecryptOpenSSHKeys(t *testing.T) {
	keygen := testenv.NeedCmd(t, "ssh-keygen")
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		p := filepath.Join(t.TempDir(), "id")
		args := []string{"-q", "-a", "1", "-t", typ, "-N", "pass phrase", "-C", "comment " + typ, "-f", p}
		if typ == "rsa" {
			args = append(args, "-b", "2048")
		}
		if out, err := exec.Command(keygen, args...).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
		data, _ := os.ReadFile(p)
		pubData, _ := os.ReadFile(p + ".pub")
		want, _, _, _, err := ssh.ParseAuthorizedKey(pubData)
		if err != nil {
			t.Fatal(err)
		}
		pk, err := ParsePrivate(data, func() ([]byte, error) { return []byte("pass phrase"), nil })
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if pk.Comment != "comment "+typ || !pk.Encrypted || pk.Format != FormatOpenSSH {
			t.Errorf("%s: %+v", typ, pk)
		}
		if !bytes.Equal(pk.PublicKey().Marshal(), want.Marshal()) {
			t.Errorf("%s: key differs", typ)
		}
		_, err = ParsePrivate(data, func() ([]byte, error) { return []byte("wrong"), nil })
		if !errors.Is(err, ErrBadPassphrase) {
			t.Errorf("%s: wrong passphrase gave %v", typ, err)
		}
		if _, err := ParsePrivate(data, nil); !errors.Is(err, ErrPassphraseNeeded) {
			t.Errorf("%s: no callback gave %v", typ, err)
		}
		// The public half is readable without the passphrase.
		if k, _, err := LoadPublicFile(p); err != nil || !bytes.Equal(k.Marshal(), want.Marshal()) {
			t.Errorf("%s: LoadPublicFile: %v", typ, err)
		}
	}
}

// Unencrypted keys written here carry key and comment through a parse.
func TestMarshalRoundTrip(t *testing.T) {
	k, err := Generate("ecdsa", 384)
	if err != nil {
		t.Fatal(err)
	}
	data, err := MarshalOpenSSH(k, "round trip", nil)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ParsePrivate(data, nil)
	if err != nil || pk.Comment != "round trip" || pk.Encrypted {
		t.Fatalf("%+v %v", pk, err)
	}
	p := filepath.Join(t.TempDir(), "id")
	if err := SavePrivate(p, pk, nil); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o640)
	var perm *PermissionError
	if _, err := LoadPrivateFile(p, nil); !errors.As(err, &perm) || !strings.Contains(err.Error(), "Permissions 0640 for '"+p+"' are too open.") {
		t.Errorf("0640 key: %v", err)
	}
	// Saving over it restores 0600.
	if err := SavePrivate(p, pk, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(p, nil); err != nil {
		t.Errorf("after save: %v", err)
	}
}

func TestRFC4716RoundTrip(t *testing.T) {
	_, pub := testSigner(t)
	long := strings.Repeat("a long comment ", 10)
	data := MarshalRFC4716(pub, long)
	for _, line := range strings.Split(string(data), "\n") {
		if len(line) > 72 {
			t.Errorf("line longer than 72 bytes: %q", line)
		}
	}
	k, h, err := ParseRFC4716(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k.Marshal(), pub.Marshal()) || h["Comment"] != long {
		t.Errorf("got %q", h["Comment"])
	}
	if _, _, err := ParseRFC4716([]byte(rfc4716Begin + "\nAAAA\n")); err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("unterminated: %v", err)
	}
}

func TestValidity(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 30, 45, 0, time.UTC)
	cases := []struct {
		spec          string
		after, before int64
	}{
		{"+1h", now.Add(-time.Minute).Truncate(time.Minute).Unix(), now.Add(time.Hour).Unix()},
		{"-1d:+1w2d", now.Add(-24 * time.Hour).Unix(), now.Add(9 * 24 * time.Hour).Unix()},
		{"20260101Z:20270101Z", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Unix()},
	}
	for _, c := range cases {
		a, b, err := ParseValidity(c.spec, now)
		if err != nil || int64(a) != c.after || int64(b) != c.before {
			t.Errorf("%s: %d %d %v", c.spec, a, b, err)
		}
	}
	if a, b, err := ParseValidity("always:forever", now); err != nil || a != 0 || b != ssh.CertTimeInfinity {
		t.Errorf("always:forever: %d %d %v", a, b, err)
	}
	for _, bad := range []string{"+", "+1x", "2026:2027", "+1d:-1d", "forever:always"} {
		if _, _, err := ParseValidity(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFingerprintOfCertificateIsItsKey(t *testing.T) {
	caKey, _ := testSigner(t)
	_, pub := testSigner(t)
	ca, _ := ssh.NewSignerFromKey(caKey)
	c, err := SignCert(ca, CertRequest{Key: pub, KeyID: "x", Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if Fingerprint(c, "sha256") != Fingerprint(pub, "sha256") || TypeLabel(c) != "ED25519-CERT" {
		t.Errorf("%s %s", Fingerprint(c, "sha256"), TypeLabel(c))
	}
	if _, ok := c.Extensions["permit-pty"]; !ok {
		t.Errorf("default extensions missing: %v", c.Extensions)
	}
}

// TestCheckUnboundHostCert: a host certificate without principals, signed
// by sshbox's signCert, passes, and each thing that should make it fail
// does, alone.
func TestCheckUnboundHostCert(t *testing.T) {
	caKey, _ := testSigner(t)
	_, pub := testSigner(t)
	ca, _ := ssh.NewSignerFromKey(caKey)
	now := time.Now()
	sign := func(t *testing.T, req CertRequest) *ssh.Certificate {
		t.Helper()
		req.Key, req.Host, req.Now = pub, true, now
		c, err := SignCert(ca, req)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	good := sign(t, CertRequest{KeyID: "h"})
	if len(good.ValidPrincipals) != 0 {
		t.Fatalf("principals %q", good.ValidPrincipals)
	}
	if err := CheckUnboundHostCert(good, now); err != nil {
		t.Fatalf("good certificate: %v", err)
	}
	// x/crypto's own check of the signature agrees with CertSignedBytes.
	named := sign(t, CertRequest{KeyID: "h", Principals: []string{"h.example"}})
	checker := ssh.CertChecker{}
	if err := checker.CheckCert("h.example", named); err != nil {
		t.Fatalf("x/crypto refuses sshbox's signature: %v", err)
	}

	tampered := *good
	tampered.KeyId = "other"
	user := sign(t, CertRequest{KeyID: "h"})
	user.CertType = ssh.UserCert
	crit := *good
	crit.CriticalOptions = map[string]string{"force-command": "true"}
	for name, tc := range map[string]struct {
		c    *ssh.Certificate
		at   time.Time
		want string
	}{
		"tampered":      {&tampered, now, "signature does not verify"},
		"user type":     {user, now, "has type 1"},
		"critical":      {&crit, now, "unsupported critical option"},
		"expired":       {sign(t, CertRequest{KeyID: "h", Validity: "-2d:-1d"}), now, "expired"},
		"not yet valid": {sign(t, CertRequest{KeyID: "h", Validity: "+1d:+2d"}), now, "not yet valid"},
		"unsigned":      {&ssh.Certificate{Key: pub, CertType: ssh.HostCert, SignatureKey: ca.PublicKey(), ValidBefore: ssh.CertTimeInfinity}, now, "signature"},
	} {
		if err := CheckUnboundHostCert(tc.c, tc.at); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// TestBubblebabble: the encoding's published examples (Huima's
// specification) and OpenSSH's -B for a key.
func TestBubblebabble(t *testing.T) {
	for in, want := range map[string]string{
		"":           "xexax",
		"1234567890": "xesef-disof-gytuf-katof-movif-baxux",
		"Pineapple":  "xigak-nyryk-humil-bosek-sonax",
	} {
		if got := bubblebabble([]byte(in)); got != want {
			t.Errorf("bubblebabble(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestParsePrivateDSA: a DSA key, in OpenSSH's form or PEM, is an
// invalid format that says why (x/crypto no longer has DSA).
func TestParsePrivateDSA(t *testing.T) {
	for _, name := range []string{"openssh_dsa", "pem_dsa"} {
		_, err := ParsePrivate(mustRead(t, filepath.Join("testdata", name)), nil)
		if !errors.Is(err, ErrInvalidFormat) || err.Error() != "invalid format: DSA keys are not supported" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
