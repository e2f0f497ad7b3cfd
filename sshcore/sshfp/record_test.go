package sshfp

import (
	"crypto/ed25519"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/keys"
)

func TestCompare(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	k, _ := ssh.NewPublicKey(pub)
	sha256 := keys.SSHFPDigest(k, 2)
	wrong := append([]byte(nil), sha256...)
	wrong[0] ^= 1
	for _, c := range []struct {
		rdata []byte
		want  Outcome
	}{
		{append([]byte{4, 2}, sha256...), Match},
		{append([]byte{4, 1}, keys.SSHFPDigest(k, 1)...), Match},
		{append([]byte{4, 2}, wrong...), Mismatch},
		{append([]byte{1, 2}, sha256...), Unrelated},
		{append([]byte{4, 2}, sha256[:20]...), Unrelated},
		{append([]byte{4, 3}, sha256...), Unusable},
		{[]byte{4, 0}, Unusable},
	} {
		r, ok := ParseRecord(c.rdata)
		if !ok {
			t.Fatalf("%x: not parsed", c.rdata)
		}
		if got := r.Compare(k); got != c.want {
			t.Errorf("%x: %v, want %v", c.rdata[:2], got, c.want)
		}
	}
	if _, ok := ParseRecord([]byte{4}); ok {
		t.Error("one byte parsed")
	}
}
