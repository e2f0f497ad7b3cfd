package agent

import (
	"errors"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// lyingAgent signs with another key than the one asked for.
type lyingAgent struct {
	agent.ExtendedAgent
	other ssh.PublicKey
}

func (l lyingAgent) SignWithFlags(_ ssh.PublicKey, data []byte, f agent.SignatureFlags) (*ssh.Signature, error) {
	return l.ExtendedAgent.SignWithFlags(l.other, data, f)
}

func TestProbe(t *testing.T) {
	priv, pub := newKey(t)
	otherPriv, otherPub := newKey(t)
	k := NewKeyring()
	for _, p := range []any{priv, otherPriv} {
		if err := k.Add(agent.AddedKey{PrivateKey: p}); err != nil {
			t.Fatal(err)
		}
	}
	if err := Probe(k, pub); err != nil {
		t.Errorf("held key: %v", err)
	}
	_, missing := newKey(t)
	var pe *ProbeError
	if err := Probe(k, missing); !errors.As(err, &pe) || !pe.Signing {
		t.Errorf("key the agent lacks: %v", err)
	}
	if err := Probe(lyingAgent{k, otherPub}, pub); !errors.As(err, &pe) || pe.Signing {
		t.Errorf("signature by another key: %v", err)
	}
}
