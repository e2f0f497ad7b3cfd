package sshkeygen

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/atomicfile"
	"sshbox/internal/errtext"
	"sshbox/sshcore/keys"
)

// signCerts is -s CA: one certificate per public key operand, written
// beside it as NAME-cert.pub.
func (o *opts) signCerts() int {
	if o.keyID == "" {
		o.errorf(msgNeedKeyID)
		return 255
	}
	if len(o.args) == 0 {
		fmt.Fprint(o.stderr, usageText)
		return 1
	}
	// OpenSSH takes the -O options before it loads the CA.
	if err := keys.CheckCertOptions(o.options); err != nil {
		o.errorLines(err.Error())
		return 255
	}
	caPath := o.caKey
	ca, _, ok := o.loadPrivate(caPath, msgPass, msgLoadKey)
	if !ok {
		return 255
	}
	signer, err := ca.Signer()
	if err != nil {
		o.errorLines(err.Error())
		return 255
	}
	var sigAlg string
	if o.keyType != "" {
		// -t names the CA's type, and for RSA the signature algorithm.
		kt, err := keys.ParseKeyType(o.keyType)
		if err != nil || kt.Base != keys.BaseType(signer.PublicKey()) || (kt.Bits != 0 && o.keyType != signer.PublicKey().Type()) {
			o.errorf(msgCATypeMismatch, signer.PublicKey().Type(), o.keyType)
			return 255
		}
		sigAlg = kt.SigAlg
	}
	serial := o.serial
	var principals []string
	if o.principals != "" {
		principals = strings.Split(o.principals, ",")
	}
	for _, path := range o.args {
		// OpenSSH's sshkey_load_public: path.pub serves for a missing
		// path, a key file's empty comment is its name, and a key from a
		// private key file has none, which its printf writes "(null)".
		pub, comment, err := keys.LoadPublic(path)
		if err != nil {
			o.errorf(msgLoadPubkey, path)
			return 255
		}
		if comment == "" {
			comment = "(null)"
		}
		c, err := keys.SignCert(signer, keys.CertRequest{
			Key: pub, KeyID: o.keyID, Host: o.hostCert, Principals: principals,
			Serial: serial, Validity: o.validity, Options: o.options, Now: time.Now(), SigAlg: sigAlg,
		})
		if err != nil {
			o.errorLines(err.Error())
			return 255
		}
		out := strings.TrimSuffix(path, ".pub") + "-cert.pub"
		if err := atomicfile.WriteFile(out, []byte(keys.AuthorizedLine(c, comment)+"\n"), 0o644); err != nil {
			o.errorLines(err.Error())
			return 255
		}
		kind, who := "user", ""
		if o.hostCert {
			kind = "host"
		}
		if len(principals) > 0 {
			who = " for " + strings.Join(principals, ",")
		}
		if !o.quiet {
			o.errorf(msgSigned, kind, out, o.keyID, serial, who, keys.ValidityText(c))
		}
	}
	return 0
}

// showCert is -L: the contents of each certificate in the file, one a
// line as OpenSSH's reads them; a line that is no key or no certificate
// is reported and passed over, and the status is 1 when none was shown.
func (o *opts) showCert() int {
	path, ok := o.keyFile("Enter file in which the key is")
	if !ok || !o.statKey(path, "ssh-keygen: ") {
		return boolStatus(ok)
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, syscall.EISDIR) {
		// fopen failed; a directory opens and reads as no lines.
		return o.fatalf("fopen %s: %s", path, errtext.Reason(err))
	}
	shown := false
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		k, _, ok := bareKey(line)
		if !ok {
			o.errorf(msgInvalidKeyLine, path, i+1)
			continue
		}
		c, ok := k.(*ssh.Certificate)
		if !ok {
			o.errorf(msgNotCert, path, i+1)
			continue
		}
		fmt.Fprint(o.stdout, keys.DescribeCert(path, c))
		shown = true
	}
	if !shown {
		return 1
	}
	return 0
}
