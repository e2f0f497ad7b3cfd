package keys

import (
	"errors"
	"testing"
)

// TestParseKeyType: every name OpenSSH's ssh-keygen -t accepts for the
// types sshbox makes, with the size and signature algorithm it implies.
func TestParseKeyType(t *testing.T) {
	for name, want := range map[string]KeyType{
		"ed25519":             {Base: "ed25519"},
		"ED25519":             {Base: "ed25519"},
		"ssh-ed25519":         {Base: "ed25519"},
		"ecdsa":               {Base: "ecdsa"},
		"ecdsa-sha2-nistp256": {Base: "ecdsa", Bits: 256},
		"ecdsa-sha2-nistp384": {Base: "ecdsa", Bits: 384},
		"ecdsa-sha2-nistp521": {Base: "ecdsa", Bits: 521},
		"rsa":                 {Base: "rsa"},
		"ssh-rsa":             {Base: "rsa", SigAlg: "ssh-rsa"},
		"rsa-sha2-256":        {Base: "rsa", SigAlg: "rsa-sha2-256"},
		"rsa-sha2-512":        {Base: "rsa", SigAlg: "rsa-sha2-512"},
	} {
		got, err := ParseKeyType(name)
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", name, got, err, want)
		}
	}
	for _, name := range []string{"ecdsa-sk", "ed25519-sk", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"} {
		var sk *ErrSecurityKey
		if _, err := ParseKeyType(name); !errors.As(err, &sk) {
			t.Errorf("%s: %v, want a security key refusal", name, err)
		}
	}
	for _, name := range []string{"dsa", "ssh-dss", "ssh-ed25519-cert-v01@openssh.com", "foo", "", "SSH-ED25519"} {
		if _, err := ParseKeyType(name); err == nil || err.Error() != "unknown key type "+name {
			t.Errorf("%q: %v", name, err)
		}
	}
}
