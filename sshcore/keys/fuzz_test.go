package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
)

func seedKeys(f *testing.F) (priv, pub []byte) {
	_, k, _ := ed25519.GenerateKey(bytes.NewReader(make([]byte, 64)))
	priv, _ = MarshalOpenSSH(k, "seed", nil)
	p, _ := ssh.NewPublicKey(k.Public())
	return priv, ssh.MarshalAuthorizedKey(p)
}

// encryptedSeed is an OpenSSH key encrypted with one bcrypt round, cheap
// to decrypt on every run of the corpus.
func encryptedSeed(f *testing.F) []byte {
	p := filepath.Join(f.TempDir(), "id")
	out, err := exec.Command(testenv.NeedCmd(f, "ssh-keygen"), "-q", "-a", "1", "-t", "ed25519", "-N", "pw", "-f", p).CombinedOutput()
	if err != nil {
		f.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	return data
}

func FuzzParsePrivate(f *testing.F) {
	priv, _ := seedKeys(f)
	f.Add(priv)
	f.Add(encryptedSeed(f))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("junk"))
	// Keep hostile KDF costs from turning the fuzzer into a benchmark.
	saved := maxKDFRounds
	maxKDFRounds = 32
	defer func() { maxKDFRounds = saved }()
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePrivate(data, func() ([]byte, error) { return []byte("pw"), nil })
		if err == nil && k.Key == nil {
			t.Fatal("nil key without error")
		}
		if err == nil {
			_ = k.PublicKey()
		}
	})
}

func FuzzParsePublic(f *testing.F) {
	_, pub := seedKeys(f)
	f.Add(pub)
	f.Add([]byte("# comment\n" + string(pub)))
	f.Add([]byte("ssh-rsa AAAA"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, _, err := ParsePublic(data)
		if err == nil {
			// What parsed must print and parse back to the same key.
			k2, _, _, _, err := ssh.ParseAuthorizedKey(ssh.MarshalAuthorizedKey(k))
			if err != nil || !bytes.Equal(k2.Marshal(), k.Marshal()) {
				t.Fatalf("round trip: %v", err)
			}
			_ = FingerprintLine(k, "md5", "")
			_ = Randomart(k, "sha256")
		}
		_, _ = ParsePEMPublic(data)
	})
}

// FuzzParsePublicLine: ssh-add -d -'s line reader never panics, and a key
// it reads prints back as the same line (type, blob, the comment kept).
func FuzzParsePublicLine(f *testing.F) {
	_, pub := seedKeys(f)
	f.Add(strings.TrimSpace(string(pub)))
	f.Add("  ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIGyTXcWt2DpOTvnP7ldeO3eiPjpOp2gQKfVpvnjFv6Ab  two  words ")
	f.Add("ssh-rsa AAAA")
	f.Add("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGyTXcWt2Dp")
	f.Fuzz(func(t *testing.T, line string) {
		k, comment, err := ParsePublicLine(line)
		if err != nil {
			return
		}
		again := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k))) + " " + comment
		k2, c2, err := ParsePublicLine(again)
		if err != nil || !bytes.Equal(k2.Marshal(), k.Marshal()) || c2 != strings.TrimLeft(comment, " \t") {
			t.Fatalf("%q read back from %q as %v, %q", line, again, err, c2)
		}
	})
}

func FuzzParseRFC4716(f *testing.F) {
	_, pub := seedKeys(f)
	k, _, _, _, _ := ssh.ParseAuthorizedKey(pub)
	f.Add(MarshalRFC4716(k, "a comment"))
	f.Add([]byte(rfc4716Begin + "\nComment: \"x\\\ny\"\nAAAA\n" + rfc4716End + "\n"))
	f.Add([]byte(rfc4716Begin + "\r\nx-tag: 1\r\n" + rfc4716End + "\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, h, err := ParseRFC4716(data)
		if err != nil {
			return
		}
		k2, h2, err := ParseRFC4716(MarshalRFC4716(k, h["Comment"]))
		if err != nil || !bytes.Equal(k.Marshal(), k2.Marshal()) {
			t.Fatalf("re-parse: %v", err)
		}
		_ = h2
	})
}

// sshcomSeed builds a valid ssh.com RSA private key for the corpus.
func sshcomSeed(f *testing.F) []byte {
	k, err := Generate("rsa", 2048)
	if err != nil {
		f.Fatal(err)
	}
	return MarshalSSHComPrivate(k.(*rsa.PrivateKey), "seed")
}

func FuzzParseSSHComPrivate(f *testing.F) {
	seed := sshcomSeed(f)
	if _, c, err := ParseSSHComPrivate(seed); err != nil || c != "seed" {
		f.Fatalf("seed does not parse: %v", err)
	}
	f.Add(seed)
	f.Add([]byte(sshcomBegin + "\nComment: \"x\"\nP2/56wAAAAg=\n" + sshcomEnd + "\n"))
	f.Add([]byte(sshcomBegin + "\n" + sshcomEnd + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, _, err := ParseSSHComPrivate(data)
		if err == nil && k.Validate() != nil {
			t.Fatal("invalid key accepted")
		}
	})
}
