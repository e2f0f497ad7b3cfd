package agent

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

func newKey(t *testing.T) (ed25519.PrivateKey, ssh.PublicKey) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

func TestKeyringConfirm(t *testing.T) {
	priv, pub := newKey(t)
	k := NewKeyring()
	if err := k.Add(agent.AddedKey{PrivateKey: priv, Comment: "c", ConfirmBeforeUse: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Sign(pub, []byte("data")); err != ErrRefused {
		t.Errorf("no Confirm: %v, want refusal", err)
	}
	var asked string
	answer := false
	k.Confirm = func(comment string, _ ssh.PublicKey) bool { asked = comment; return answer }
	if _, err := k.Sign(pub, []byte("data")); err != ErrRefused || asked != "c" {
		t.Errorf("answered no: %v, asked %q", err, asked)
	}
	answer = true
	if _, err := k.Sign(pub, []byte("data")); err != nil {
		t.Errorf("answered yes: %v", err)
	}
	// Added again without -c, the key is used without asking.
	k.Add(agent.AddedKey{PrivateKey: priv, Comment: "c"})
	answer, asked = false, ""
	if _, err := k.Sign(pub, []byte("data")); err != nil || asked != "" {
		t.Errorf("re-added without confirm: %v, asked %q", err, asked)
	}
}

func TestKeyringRefusesUnknownConstraints(t *testing.T) {
	priv, _ := newKey(t)
	k := NewKeyring()
	err := k.Add(agent.AddedKey{PrivateKey: priv, ConstraintExtensions: []agent.ConstraintExtension{{ExtensionName: "restrict-destination-v00@openssh.com"}}})
	if err == nil {
		t.Fatal("a restriction the agent cannot enforce was accepted")
	}
	if l, _ := k.List(); len(l) != 0 {
		t.Errorf("keys listed: %v", l)
	}
}

// TestKeyringLockEmpty: an empty password neither locks nor unlocks, as
// in OpenSSH's agent.
func TestKeyringLockEmpty(t *testing.T) {
	priv, _ := newKey(t)
	k := NewKeyring()
	if err := k.Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	if k.Lock(nil) == nil || k.Lock([]byte{}) == nil {
		t.Fatal("locked with an empty password")
	}
	if l, _ := k.List(); len(l) != 1 {
		t.Fatalf("after a refused lock the agent lists %d keys", len(l))
	}
	if err := k.Lock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
	if k.Unlock(nil) == nil {
		t.Fatal("unlocked with an empty password")
	}
	if err := k.Unlock([]byte("pw")); err != nil {
		t.Fatal(err)
	}
}
