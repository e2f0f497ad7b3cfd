package derkey

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// password is the one the encrypted keys get (ssh-keygen wants five
// characters or more).
const password = "pass phrase"

// TestTools: keys that OpenSSH's ssh-keygen and OpenSSL write, plain and
// with legacy PEM encryption, read as x509 reads them.
func TestTools(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ssh-keygen and openssl")
	}
	dir := t.TempDir()
	run := func(t *testing.T, optional bool, name string, args ...string) bool {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			if optional {
				t.Logf("%s %s: %v (skipped)\n%s", name, strings.Join(args, " "), err, out)
			} else {
				t.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
			}
			return false
		}
		return true
	}
	t.Run("ssh-keygen", func(t *testing.T) {
		testenv.NeedCmd(t, "ssh-keygen")
		gen := func(name, typ, bits, format, pass string) {
			if run(t, false, "ssh-keygen", "-q", "-t", typ, "-b", bits, "-m", format, "-N", pass, "-C", "", "-f", name) {
				// The public key in PKIX and PKCS #1 (RSA) form.
				for _, m := range []string{"PKCS8", "PEM"} {
					if out, err := exec.Command("ssh-keygen", "-e", "-m", m, "-f", filepath.Join(dir, name+".pub")).Output(); err == nil {
						os.WriteFile(filepath.Join(dir, name+"."+m+".pub.pem"), out, 0o600)
					}
				}
			}
		}
		gen("k-rsa", "rsa", "2048", "PEM", "")
		gen("k-rsa-enc", "rsa", "1024", "PEM", password)
		gen("k-rsa8", "rsa", "1024", "PKCS8", "")
		for _, bits := range []string{"256", "384", "521"} {
			gen("k-ec"+bits, "ecdsa", bits, "PEM", "")
			gen("k-ec8"+bits, "ecdsa", bits, "PKCS8", "")
		}
		gen("k-ec-enc", "ecdsa", "384", "PEM", password)
		checkDir(t, dir, "k-")
	})
	t.Run("openssl", func(t *testing.T) {
		testenv.NeedCmd(t, "openssl")
		ssl := func(optional bool, args ...string) bool { return run(t, optional, "openssl", args...) }
		ssl(false, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "o-rsa.pem")
		ssl(false, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-pkeyopt", "rsa_keygen_pubexp:3", "-out", "o-rsa3.pem")
		ssl(false, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_primes:3", "-out", "o-rsa-3primes.pem")
		for _, c := range []string{"P-256", "P-384", "P-521"} {
			ssl(false, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:"+c, "-out", "o-ec-"+c+".pem")
			ssl(false, "ec", "-in", "o-ec-"+c+".pem", "-out", "o-ec-sec1-"+c+".pem")
		}
		ssl(false, "genpkey", "-algorithm", "ED25519", "-out", "o-ed25519.pem")
		ssl(false, "ec", "-in", "o-ec-P-256.pem", "-no_public", "-out", "o-ec-nopub.pem")
		// Explicit curve parameters, which x509 refuses.
		ssl(false, "ec", "-in", "o-ec-P-256.pem", "-param_enc", "explicit", "-out", "o-ec-explicit.pem")
		ssl(false, "pkey", "-in", "o-ec-explicit.pem", "-out", "o-ec-explicit8.pem")
		for _, k := range []string{"o-rsa", "o-rsa3", "o-rsa-3primes"} {
			ssl(false, "rsa", "-in", k+".pem", "-traditional", "-out", k+"-pkcs1.pem")
			ssl(false, "rsa", "-in", k+".pem", "-RSAPublicKey_out", "-out", k+"-pkcs1pub.pem")
		}
		for _, c := range []string{"aes128", "aes192", "aes256", "des3"} {
			ssl(false, "rsa", "-in", "o-rsa.pem", "-traditional", "-"+c, "-passout", "pass:"+password, "-out", "o-rsa-"+c+".pem")
			ssl(false, "ec", "-in", "o-ec-P-521.pem", "-"+c, "-passout", "pass:"+password, "-out", "o-ec-"+c+".pem")
		}
		// Single DES lives in OpenSSL 3's legacy provider.
		ssl(true, "rsa", "-provider", "legacy", "-provider", "default", "-in", "o-rsa.pem", "-traditional", "-des", "-passout", "pass:"+password, "-out", "o-rsa-des.pem")
		files, _ := filepath.Glob(filepath.Join(dir, "o-*.pem"))
		for _, f := range files {
			if !strings.Contains(f, "pub") && !strings.Contains(f, "-aes") && !strings.Contains(f, "-des") {
				ssl(false, "pkey", "-in", f, "-pubout", "-out", strings.TrimSuffix(f, ".pem")+".pub.pem")
			}
		}
		checkDir(t, dir, "o-")
	})
}

// checkDir reads every PEM block of the files whose names begin with
// prefix in dir, decrypting those encrypted with password, and holds
// the parser for its type to x509's verdict; all but keys with explicit
// curve parameters must be accepted.
func checkDir(t *testing.T, dir, prefix string) {
	files, _ := filepath.Glob(filepath.Join(dir, prefix+"*"))
	n := 0
	for _, f := range files {
		rest, _ := os.ReadFile(f)
		for {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				break
			}
			name := filepath.Base(f) + " " + b.Type
			der := b.Bytes
			if IsEncryptedPEMBlock(b) {
				if d := decryptDiffers(b, []byte(password)); d != "" {
					t.Errorf("%s: %s", name, d)
				}
				var err error
				if der, err = DecryptPEMBlock(b, []byte(password)); err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				std, _ := x509.DecryptPEMBlock(b, []byte(password)) //nolint:staticcheck
				if !bytes.Equal(der, std) {
					t.Errorf("%s decrypts otherwise", name)
				}
				name += " " + strings.Split(b.Headers["DEK-Info"], ",")[0]
			}
			p, ok := map[string]parser{
				"RSA PRIVATE KEY": pkcs1PrivateP,
				"RSA PUBLIC KEY":  pkcs1PublicP,
				"EC PRIVATE KEY":  sec1PrivateP,
				"PRIVATE KEY":     pkcs8PrivateP,
				"PUBLIC KEY":      pkixPublicP,
			}[b.Type]
			if !ok {
				continue
			}
			n++
			p.check(t, name, der)
			if _, err := p.ours(der); err != nil && !strings.Contains(name, "explicit") {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	t.Logf("%d keys", n)
	if n == 0 {
		t.Error("no keys")
	}
}
