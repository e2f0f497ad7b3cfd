package sshsig

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func signers(t *testing.T) []ssh.Signer {
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var out []ssh.Signer
	for _, k := range []any{ed, r} {
		s, err := ssh.NewSignerFromKey(k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestSignVerifyRoundTrip(t *testing.T) {
	for _, s := range signers(t) {
		for _, h := range []string{"sha256", "sha512"} {
			blob, err := Sign(s, nil, strings.NewReader("message"), "file", h)
			if err != nil {
				t.Fatal(err)
			}
			arm := Armor(blob)
			back, err := Unarmor(arm)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := Parse(back)
			if err != nil {
				t.Fatal(err)
			}
			if s.PublicKey().Type() == ssh.KeyAlgoRSA && sig.Sig.Format != ssh.KeyAlgoRSASHA512 {
				t.Errorf("RSA signed with %s", sig.Sig.Format)
			}
			if err := sig.Verify(strings.NewReader("message"), "file"); err != nil {
				t.Errorf("%s %s: %v", s.PublicKey().Type(), h, err)
			}
			if err := sig.Verify(strings.NewReader("messagf"), "file"); err != ErrBadSignature {
				t.Errorf("changed message: %v", err)
			}
			if err := sig.Verify(strings.NewReader("message"), "git"); err != ErrNamespace {
				t.Errorf("other namespace: %v", err)
			}
		}
	}
}

func TestAllowedSigners(t *testing.T) {
	s := signers(t)[0]
	pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
	file := "# comment\n\n" +
		"alice@example.com,bob* " + pub + " a comment\n" +
		`"carol" namespaces="git",valid-after="20200101",valid-before="20300101Z" ` + pub + "\n"
	list, err := ParseAllowedSigners([]byte(file), "as")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].Namespaces != "git" || list[1].Line != 4 {
		t.Fatalf("parsed %+v", list)
	}
	blob, _ := Sign(s, nil, strings.NewReader("m"), "file", DefaultHash)
	sig, _ := Parse(blob)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for principal, ok := range map[string]bool{"alice@example.com": true, "bobby": true, "carol": false, "mallory": false} {
		if err := Check(list, "as", sig, principal, "file", now); (err == nil) != ok {
			t.Errorf("%s: %v", principal, err)
		}
	}
	if err := Check(list, "as", sig, "carol", "git", now); err != nil {
		t.Errorf("carol for git: %v", err)
	}
	if err := Check(list, "as", sig, "carol", "git", now.AddDate(10, 0, 0)); err == nil || !strings.Contains(err.Error(), "as:4: key has expired") {
		t.Errorf("carol after valid-before: %v", err)
	}
	got, _ := FindPrincipals(list, "as", sig, now)
	if strings.Join(got, ",") != "alice@example.com,bob*" {
		t.Errorf("find-principals: %v", got)
	}
	for _, bad := range []string{"x ssh-ed25519 AAAA", `x foo="bar" ` + pub, `x namespaces=git ` + pub, `"x ` + pub, `x valid-after="2020" ` + pub} {
		if _, err := ParseAllowedSigners([]byte("# c\n"+bad+"\n"), "f"); err == nil || !strings.HasPrefix(err.Error(), "f:2: ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
