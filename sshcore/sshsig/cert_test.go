package sshsig

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestCertAuthority: a cert-authority line vouches for signatures made
// with a user certificate from that CA, for the certificate's principals
// only, while the certificate is valid.
func TestCertAuthority(t *testing.T) {
	all := signers(t)
	ca, user := all[0], all[1]
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	cert := &ssh.Certificate{Key: user.PublicKey(), CertType: ssh.UserCert, KeyId: "id",
		ValidPrincipals: []string{"alice@example.com"},
		ValidAfter:      uint64(now.Add(-time.Hour).Unix()), ValidBefore: uint64(now.Add(time.Hour).Unix())}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	caLine := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(ca.PublicKey())))
	list, err := ParseAllowedSigners([]byte("*@example.com cert-authority "+caLine+"\n"), "as")
	if err != nil {
		t.Fatal(err)
	}
	blob, err := Sign(user, cert, strings.NewReader("m"), "file", DefaultHash)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Parse(blob)
	if err != nil {
		t.Fatal(err)
	}
	if err := sig.Verify(strings.NewReader("m"), "file"); err != nil {
		t.Fatal(err)
	}
	if err := Check(list, "as", sig, "alice@example.com", "file", now); err != nil {
		t.Errorf("certificate principal: %v", err)
	}
	if err := Check(list, "as", sig, "bob@example.com", "file", now); err == nil {
		t.Error("a principal the certificate does not name was accepted")
	}
	if err := Check(list, "as", sig, "alice@example.com", "file", now.Add(2*time.Hour)); err == nil {
		t.Error("an expired certificate was accepted")
	}
	if p, _ := FindPrincipals(list, "as", sig, now); strings.Join(p, ",") != "alice@example.com" {
		t.Errorf("find-principals: %v", p)
	}
	// A certificate whose signature does not check out vouches for
	// nothing.
	forged := *cert
	forged.ValidPrincipals = []string{"alice@example.com", "mallory@example.com"}
	fblob, _ := Sign(user, &forged, strings.NewReader("m"), "file", DefaultHash)
	fsig, _ := Parse(fblob)
	if err := Check(list, "as", fsig, "mallory@example.com", "file", now); err == nil {
		t.Error("a certificate with a broken CA signature was accepted")
	}
	// Critical options restrict logins, not signatures.
	opts := *cert
	opts.CriticalOptions = map[string]string{"force-command": "true"}
	if err := opts.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	oblob, _ := Sign(user, &opts, strings.NewReader("m"), "file", DefaultHash)
	osig, _ := Parse(oblob)
	if err := Check(list, "as", osig, "alice@example.com", "file", now); err != nil {
		t.Errorf("certificate with force-command: %v", err)
	}
	// The same CA key without cert-authority vouches for nothing.
	plain, _ := ParseAllowedSigners([]byte("*@example.com "+caLine+"\n"), "as")
	if err := Check(plain, "as", sig, "alice@example.com", "file", now); err == nil {
		t.Error("a plain key line accepted a certificate")
	}
}
