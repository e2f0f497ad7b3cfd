package sshkeygen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/atomicfile"
	"sshbox/sshcore/keys"
)

// signCerts is -s CA: one certificate per public key operand, written
// beside it as NAME-cert.pub.
func (o *opts) signCerts() int {
	if o.keyID == "" {
		fmt.Fprint(o.stderr, msgNeedKeyID)
		return 255
	}
	if len(o.args) == 0 {
		fmt.Fprint(o.stderr, usageText)
		return 1
	}
	caPath := o.caKey
	ca, _, ok := o.loadPrivate(caPath, msgPass, msgLoadKey)
	if !ok {
		return 255
	}
	signer, err := ca.Signer()
	if err != nil {
		fmt.Fprintln(o.stderr, err)
		return 255
	}
	var sigAlg string
	if o.keyType != "" {
		// -t names the CA's type, and for RSA the signature algorithm.
		kt, err := keys.ParseKeyType(o.keyType)
		if err != nil || kt.Base != keys.BaseType(signer.PublicKey()) || (kt.Bits != 0 && o.keyType != signer.PublicKey().Type()) {
			fmt.Fprintf(o.stderr, msgCATypeMismatch, signer.PublicKey().Type(), o.keyType)
			return 255
		}
		sigAlg = kt.SigAlg
	}
	var serial uint64
	if o.serial != "" {
		serial, err = strconv.ParseUint(o.serial, 0, 64)
		if err != nil {
			fmt.Fprintf(o.stderr, "Invalid serial number \"%s\"\n", o.serial)
			return 255
		}
	}
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
			fmt.Fprintf(o.stderr, msgLoadPubkey, path)
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
			fmt.Fprintln(o.stderr, err)
			return 255
		}
		out := strings.TrimSuffix(path, ".pub") + "-cert.pub"
		if err := atomicfile.WriteFile(out, []byte(keys.AuthorizedLine(c, comment)+"\n"), 0o644); err != nil {
			fmt.Fprintln(o.stderr, err)
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
			fmt.Fprintf(o.stderr, msgSigned, kind, out, o.keyID, serial, who, keys.ValidityText(c))
		}
	}
	return 0
}

// showCert is -L: a certificate's contents.
func (o *opts) showCert() int {
	path, ok := o.keyFile("Enter file in which the key is")
	if !ok {
		return 1
	}
	k, _, err := keys.LoadPublicFile(path)
	if err != nil {
		fmt.Fprintf(o.stderr, msgNoFile, path)
		return 255
	}
	c, ok := k.(*ssh.Certificate)
	if !ok {
		fmt.Fprintf(o.stderr, msgNotCert, path)
		return 255
	}
	fmt.Fprint(o.stdout, keys.DescribeCert(path, c))
	return 0
}
