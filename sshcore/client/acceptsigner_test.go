package client

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"slices"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestOnAccept: the wrapper says "accepted" once, before the first
// signature, and keeps what x/crypto asks of the signer it wraps (the
// algorithms of a MultiAlgorithmSigner, SignWithAlgorithm).
func TestOnAccept(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	ed, err := ssh.NewSignerFromKey(edKey)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ssh.NewSignerFromKey(rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	multi, err := ssh.NewSignerWithAlgorithms(rs.(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSASHA512})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []ssh.Signer{ed, multi} {
		n := 0
		w := onAccept(s, func() { n++ })
		if n != 0 {
			t.Fatalf("%s: accepted before signing", s.PublicKey().Type())
		}
		as, ok := w.(ssh.AlgorithmSigner)
		if !ok {
			t.Fatalf("%s: wrapper is no AlgorithmSigner", s.PublicKey().Type())
		}
		if m, ok := s.(ssh.MultiAlgorithmSigner); ok {
			wm, ok := w.(ssh.MultiAlgorithmSigner)
			if !ok || !slices.Equal(wm.Algorithms(), m.Algorithms()) {
				t.Fatalf("%s: wrapper lost the signer's algorithms", s.PublicKey().Type())
			}
		}
		alg := s.PublicKey().Type()
		if alg == ssh.KeyAlgoRSA {
			alg = ssh.KeyAlgoRSASHA512
		}
		sig, err := as.SignWithAlgorithm(rand.Reader, []byte("data"), alg)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PublicKey().Verify([]byte("data"), sig); err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if _, err := w.Sign(rand.Reader, []byte("again")); err != nil && alg == ssh.KeyAlgoED25519 {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("%s: accepted %d times over two signatures, want once", alg, n)
		}
	}
}
