package sshkeygen

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/internal/atomicfile"
	"sshbox/sshcore/keys"
	"sshbox/sshcore/krl"
	"sshbox/sshcore/sshsig"
)

// signatures is -Y: SSH signatures over files (git's gpg.format=ssh). The
// flags keep their other meanings' letters: -n namespace, -s signature
// file, -I signer identity, -f key or allowed signers file.
func (o *opts) signatures() int {
	switch o.sigOp {
	case "sign":
		return o.sigSign()
	case "verify":
		return o.sigVerify()
	case "find-principals":
		return o.sigFindPrincipals()
	case "match-principals":
		return o.sigMatchPrincipals()
	case "check-novalidate":
		return o.sigCheckNoValidate()
	}
	fmt.Fprintf(o.stderr, msgSigUnsupportedOp, o.sigOp)
	fmt.Fprint(o.stderr, usageText)
	return 1
}

// sigOptions reads -O for -Y: hashalg= (sign), verify-time= (the others).
func (o *opts) sigOptions(allowed string) (hashAlg string, at time.Time, ok bool) {
	hashAlg, at = sshsig.DefaultHash, time.Now()
	for _, opt := range o.options {
		name, value, _ := strings.Cut(opt, "=")
		switch {
		case allowed == "hashalg" && strings.EqualFold(name, "hashalg"):
			hashAlg = value
		case allowed == "verify-time" && strings.EqualFold(name, "verify-time"):
			t, err := sshsig.ParseTime(value)
			if err != nil {
				fmt.Fprintf(o.stderr, msgSigInvalidOption, opt)
				return "", at, false
			}
			at = t
		default:
			fmt.Fprintf(o.stderr, msgSigInvalidOption, opt)
			return "", at, false
		}
	}
	return hashAlg, at, true
}

// sigNeed is one argument an operation requires.
type sigNeed struct {
	missing bool
	what    string
}

// sigMissing prints OpenSSH's "Too few arguments" line for the first
// missing argument.
func (o *opts) sigMissing(format, op string, needs ...sigNeed) bool {
	for _, n := range needs {
		if n.missing {
			fmt.Fprintf(o.stderr, format, op, n.what)
			return true
		}
	}
	return false
}

func (o *opts) sigSign() int {
	if o.sigMissing(msgSigTooFew, "sign", sigNeed{o.principals == "", "namespace"}, sigNeed{!o.hasFile, "key"}) {
		return 1
	}
	hashAlg, _, ok := o.sigOptions("hashalg")
	if !ok {
		return 255
	}
	signer, pub, closeAgent, err := o.sigSigner()
	if err != nil {
		fmt.Fprint(o.stderr, err)
		return 255
	}
	defer closeAgent()
	if len(o.args) == 0 || (len(o.args) == 1 && o.args[0] == "-") {
		if !o.quiet {
			fmt.Fprint(o.stderr, msgSigSigningStdin)
		}
		blob, err := sshsig.Sign(signer, pub, o.stdin, o.principals, hashAlg)
		if err != nil {
			fmt.Fprintf(o.stderr, msgSigFailed, "data", err)
			return 255
		}
		o.stdout.Write(sshsig.Armor(blob))
		return 0
	}
	for _, name := range o.args {
		if !o.quiet {
			fmt.Fprintf(o.stderr, msgSigSigningFile, name)
		}
		if status := o.signOne(signer, pub, name, hashAlg); status != 0 {
			return status
		}
	}
	return 0
}

// signOne writes name.sig, asking before replacing one, as OpenSSH does.
func (o *opts) signOne(signer ssh.Signer, pub ssh.PublicKey, name, hashAlg string) int {
	f, err := os.Open(name)
	if err != nil {
		fmt.Fprintf(o.stderr, msgSigFailed, name, errText(err))
		return 255
	}
	defer f.Close()
	blob, err := sshsig.Sign(signer, pub, f, o.principals, hashAlg)
	if err != nil {
		fmt.Fprintf(o.stderr, msgSigFailed, name, err)
		return 255
	}
	out := name + ".sig"
	if _, err := os.Stat(out); err == nil {
		fmt.Fprintf(o.stderr, msgExists, out)
		fmt.Fprint(o.stderr, msgOverwrite)
		answer, _ := o.readLine()
		if !strings.HasPrefix(answer, "y") && !strings.HasPrefix(answer, "Y") {
			return 0 // OpenSSH leaves the file and carries on
		}
	}
	if err := atomicfile.WriteFile(out, sshsig.Armor(blob), 0o644); err != nil {
		fmt.Fprintf(o.stderr, msgSigFailed, name, err)
		return 255
	}
	if !o.quiet {
		fmt.Fprintf(o.stderr, msgSigWrite, out)
	}
	return 0
}

// sigSigner finds what signs: the private key at -f (asking for its
// passphrase), or with -U, or when -f holds only a public key, the agent's
// copy of that key (git passes a public key and -U). A -f naming a
// certificate signs with the key beside it and names the certificate.
func (o *opts) sigSigner() (ssh.Signer, ssh.PublicKey, func(), error) {
	nothing := func() {}
	path := o.file
	var cert *ssh.Certificate
	if strings.HasSuffix(path, "-cert.pub") {
		if k, _, err := keys.LoadPublicFile(path); err == nil {
			if c, ok := k.(*ssh.Certificate); ok {
				cert = c
				path = strings.TrimSuffix(path, "-cert.pub")
			}
		}
	}
	pub, _, err := keys.LoadPublicFile(path)
	if err != nil {
		return nil, nil, nothing, fmt.Errorf(msgSigLoadPublic, path, errText(err))
	}
	named := pub
	if cert != nil {
		named = cert
	}
	data, _ := os.ReadFile(path)
	_, _, pubErr := keys.ParsePublic(data)
	if o.useAgent || pubErr == nil {
		s, closeAgent, err := agentSigner(pub)
		if err != nil {
			return nil, nil, nothing, fmt.Errorf(msgSigNoAgentKey, err)
		}
		return s, named, closeAgent, nil
	}
	k, err := keys.LoadPrivateFile(path, o.oldPassphrase(msgSigPassphrase))
	if err != nil {
		var pe *keys.PermissionError
		if errors.As(err, &pe) {
			return nil, nil, nothing, fmt.Errorf("%v\n", err)
		}
		return nil, nil, nothing, fmt.Errorf(msgSigLoadPrivate, path, errText(err))
	}
	s, err := k.Signer()
	if err != nil {
		return nil, nil, nothing, fmt.Errorf(msgSigLoadPrivate, path, err)
	}
	return s, named, nothing, nil
}

// agentSigner is the agent's signer for pub.
func agentSigner(pub ssh.PublicKey) (ssh.Signer, func(), error) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, nil, errors.New("agent not present")
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, nil, err
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	for _, s := range signers {
		if bytes.Equal(s.PublicKey().Marshal(), pub.Marshal()) {
			return s, func() { conn.Close() }, nil
		}
	}
	conn.Close()
	return nil, nil, errors.New("agent has no such key")
}

// readSignature loads and parses -s.
func (o *opts) readSignature() (*sshsig.Signature, bool) {
	data, err := os.ReadFile(o.caKey)
	if err != nil {
		fmt.Fprintf(o.stderr, msgSigReadSig, errText(err))
		return nil, false
	}
	blob, err := sshsig.Unarmor(data)
	if err == nil {
		var sig *sshsig.Signature
		if sig, err = sshsig.Parse(blob); err == nil {
			return sig, true
		}
	}
	fmt.Fprintf(o.stderr, msgSigParse, strings.TrimPrefix(err.Error(), "couldn't parse signature: "))
	return nil, false
}

// verifySelf checks the signature over stdin with the key it names.
func (o *opts) verifySelf(sig *sshsig.Signature) bool {
	switch err := sig.Verify(o.stdin, o.principals); {
	case errors.Is(err, sshsig.ErrNamespace):
		fmt.Fprintf(o.stderr, msgSigVerifyNS, err)
		return false
	case err != nil:
		fmt.Fprintf(o.stderr, msgSigVerifyFailed, err)
		return false
	}
	return true
}

// revoked is verify's -r revocation_file (the letter is -r's of SSHFP
// records elsewhere): a KRL or a list of public keys, checked against the
// signing key and, for a certificate, its CA, as OpenSSH's
// sshkey_check_revoked does. A file that cannot be read or parsed counts
// as revoking: it was meant to refuse some keys. OpenSSH says no more than
// "Could not verify signature." either way; the reason is on standard
// error here.
func (o *opts) revoked(key ssh.PublicKey) bool {
	test, err := krl.ReadRevocations(o.sshfpHost)
	if err != nil {
		fmt.Fprintf(o.stderr, msgSigRevocations, o.sshfpHost, errText(err))
		return true
	}
	if k := krl.RevokedBy(test, key); k != nil {
		fmt.Fprintf(o.stderr, msgSigRevoked, keys.TypeLabel(k), keys.Fingerprint(k, o.hashAlg), o.sshfpHost)
		return true
	}
	return false
}

// allowedSigners loads -f as an allowed_signers file.
func (o *opts) allowedSigners() ([]sshsig.Signer, bool) {
	data, err := os.ReadFile(o.file)
	if err != nil {
		fmt.Fprintf(o.stderr, msgSigOpenAllowed, o.file, errText(err))
		return nil, false
	}
	list, err := sshsig.ParseAllowedSigners(data, o.file)
	if err != nil {
		fmt.Fprintln(o.stderr, err)
		return nil, false
	}
	return list, true
}

func (o *opts) sigVerify() int {
	if o.sigMissing(msgSigTooFew, "verify", sigNeed{o.principals == "", "namespace"}, sigNeed{o.caKey == "", "signature file"}) ||
		// sic: OpenSSH names the wrong operation here.
		o.sigMissing(msgSigTooFew, "sign", sigNeed{!o.hasFile, "allowed keys file"}) ||
		o.sigMissing(msgSigTooFew, "verify", sigNeed{o.keyID == "", "principal identity"}) {
		return 1
	}
	_, at, ok := o.sigOptions("verify-time")
	if !ok {
		return 255
	}
	if !o.verifyAllowed(at) {
		fmt.Fprint(o.stdout, msgSigCouldNot)
		return 255
	}
	return 0
}

func (o *opts) verifyAllowed(at time.Time) bool {
	sig, ok := o.readSignature()
	if !ok || !o.verifySelf(sig) {
		return false
	}
	if o.sshfp && o.revoked(sig.PublicKey) {
		return false
	}
	list, ok := o.allowedSigners()
	if !ok {
		return false
	}
	if err := sshsig.Check(list, o.file, sig, o.keyID, o.principals, at); err != nil {
		if strings.HasPrefix(err.Error(), o.file+":") {
			fmt.Fprintln(o.stderr, err)
		}
		return false
	}
	if !o.quiet {
		fmt.Fprintf(o.stdout, msgSigGood, o.principals, o.keyID, keys.TypeLabel(sig.PublicKey), keys.Fingerprint(sig.PublicKey, o.hashAlg))
	}
	return true
}

func (o *opts) sigFindPrincipals() int {
	if o.sigMissing(msgSigTooFewNoSpace, "find-principals", sigNeed{o.caKey == "", "signature file"}, sigNeed{!o.hasFile, "allowed keys file"}) {
		return 1
	}
	_, at, ok := o.sigOptions("verify-time")
	if !ok {
		return 255
	}
	sig, ok := o.readSignature()
	if !ok {
		return 255
	}
	list, ok := o.allowedSigners()
	if !ok {
		return 255
	}
	found, errs := sshsig.FindPrincipals(list, o.file, sig, at)
	for _, err := range errs {
		fmt.Fprintln(o.stderr, err)
	}
	if len(found) == 0 {
		fmt.Fprint(o.stderr, msgSigNoPrincipal)
		return 255
	}
	for _, p := range found {
		fmt.Fprintln(o.stdout, p)
	}
	return 0
}

func (o *opts) sigMatchPrincipals() int {
	if o.sigMissing(msgSigTooFewNoSpace, "match-principals", sigNeed{!o.hasFile, "allowed keys file"}) ||
		o.sigMissing(msgSigTooFew, "match-principals", sigNeed{o.keyID == "", "principal ID"}) {
		return 1
	}
	list, ok := o.allowedSigners()
	if !ok {
		return 255
	}
	n := 0
	for _, s := range list {
		if s.MatchPrincipal(o.keyID) {
			fmt.Fprintln(o.stdout, s.Principals)
			n++
		}
	}
	if n == 0 {
		fmt.Fprint(o.stderr, msgSigNoPrincipal)
		return 1
	}
	return 0
}

func (o *opts) sigCheckNoValidate() int {
	if o.sigMissing(msgSigTooFew, "check-novalidate", sigNeed{o.principals == "", "namespace"}, sigNeed{o.caKey == "", "signature file"}) {
		return 1
	}
	sig, ok := o.readSignature()
	if !ok || !o.verifySelf(sig) {
		fmt.Fprint(o.stdout, msgSigCouldNot)
		return 255
	}
	if !o.quiet {
		fmt.Fprintf(o.stdout, msgSigGoodNoID, o.principals, keys.TypeLabel(sig.PublicKey), keys.Fingerprint(sig.PublicKey, o.hashAlg))
	}
	return 0
}

// errText is an error as C's strerror words it, for file errors.
func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		s := pe.Err.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}
