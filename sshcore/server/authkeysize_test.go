package server

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
)

// TestKeySizeAllowed: AuthPublicKey.MinSize and MaxSize against an
// Ed25519 key, a P-384 key and a certificate of the Ed25519 key (its
// key's size); no limit lets every key in.
func TestKeySizeAllowed(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ed, _ := ssh.NewPublicKey(edPub)
	ecPriv, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ec, _ := ssh.NewPublicKey(&ecPriv.PublicKey)
	cert := &ssh.Certificate{Key: ed, CertType: ssh.UserCert, ValidPrincipals: []string{"u"}}
	caSigner, _ := ssh.NewSignerFromKey(ecPriv)
	if err := cert.SignCert(rand.Reader, caSigner); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		min, max int
		key      ssh.PublicKey
		bits     int
		ok       bool
	}{
		{0, 0, ed, 0, true},
		{384, 0, ed, 256, false},
		{384, 0, ec, 384, true},
		{384, 0, cert, 256, false},
		{0, 256, ec, 384, false},
		{0, 256, ed, 256, true},
		{256, 256, cert, 256, true},
	} {
		bits, ok := keySizeAllowed(tc.key, &configfmt.ServerOptions{PubkeyMinSize: tc.min, PubkeyMaxSize: tc.max})
		if bits != tc.bits || ok != tc.ok {
			t.Errorf("MinSize %d MaxSize %d, %s: %d bits %v, want %d %v", tc.min, tc.max, tc.key.Type(), bits, ok, tc.bits, tc.ok)
		}
	}
}
