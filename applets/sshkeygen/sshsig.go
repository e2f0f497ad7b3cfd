package sshkeygen

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/internal/atomicfile"
	"sshbox/internal/errtext"
	"sshbox/internal/sshtime"
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
	o.errorf(msgSigUnsupportedOp, o.sigOp)
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
			t, err := sshtime.Absolute(value, time.Local)
			if err != nil {
				o.errorf(msgSigInvalidTime)
				return "", at, false
			}
			at = t
		default:
			o.errorf(msgSigInvalidOption, opt)
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
			o.errorf(format, op, n.what)
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
	signer, pub, closeAgent, ok := o.sigSigner()
	if !ok {
		return 255
	}
	defer closeAgent()
	if len(o.args) == 0 || (len(o.args) == 1 && o.args[0] == "-") {
		if !o.quiet {
			fmt.Fprint(o.stderr, msgSigSigningStdin)
		}
		if !o.hashSupported(hashAlg, "(stdin)") {
			return 255
		}
		blob, err := sshsig.Sign(signer, pub, o.stdin, o.principals, hashAlg)
		if err != nil {
			o.errorf(msgSigFailed, "data", err)
			return 255
		}
		o.stdout.Write(sshsig.Armor(blob))
		return 0
	}
	for _, name := range o.args {
		if status := o.signOne(signer, pub, name, hashAlg); status != 0 {
			return status
		}
	}
	return 0
}

// hashSupported checks -O hashalg= where OpenSSH does, as each file is
// hashed, with its lines.
func (o *opts) hashSupported(hashAlg, name string) bool {
	if sshsig.HashSupported(hashAlg) {
		return true
	}
	o.errorf(msgSigBadHash, hashAlg)
	o.errorf(msgSigHashFile)
	o.errorf(msgSigFailed, name, "signature algorithm not supported")
	return false
}

// signOne writes name.sig, asking before replacing one, as OpenSSH does.
func (o *opts) signOne(signer ssh.Signer, pub ssh.PublicKey, name, hashAlg string) int {
	f, err := os.Open(name)
	if err != nil {
		return o.fatalf(msgSigOpen, name, errtext.Reason(err))
	}
	defer f.Close()
	if !o.quiet {
		fmt.Fprintf(o.stderr, msgSigSigningFile, name)
	}
	if !o.hashSupported(hashAlg, name) {
		return 255
	}
	blob, err := sshsig.Sign(signer, pub, f, o.principals, hashAlg)
	if err != nil {
		o.errorf(msgSigFailed, name, err)
		return 255
	}
	out := name + ".sig"
	if _, err := os.Stat(out); err == nil {
		fmt.Fprintf(o.stdout, msgExists, out)
		fmt.Fprint(o.stdout, msgOverwrite)
		answer, _ := o.readLine()
		if !strings.HasPrefix(answer, "y") && !strings.HasPrefix(answer, "Y") {
			return 0 // OpenSSH leaves the file and carries on
		}
	}
	if err := atomicfile.WriteFile(out, sshsig.Armor(blob), 0o644); err != nil {
		o.errorf(msgSigFailed, name, err)
		return 255
	}
	if !o.quiet {
		fmt.Fprintf(o.stderr, msgSigWrite, out)
	}
	return 0
}

// sigSigner finds what signs, in OpenSSH's order: the public key at -f
// (a key file, FILE.pub, a private key's public half, or a certificate),
// then the agent's copy of it when there is an agent that has it, then the
// private key beside it (-f with ".pub" or "-cert.pub" taken off), asking
// for its passphrase. With -U only the agent will do. git passes a public
// key and -U.
func (o *opts) sigSigner() (ssh.Signer, ssh.PublicKey, func(), bool) {
	nothing := func() {}
	path := o.file
	named, _, err := keys.LoadPublic(path)
	if err != nil {
		o.errorf(msgSigLoadPublic, path, msgNoSuchFile)
		return nil, nil, nothing, false
	}
	pub := named
	if c, ok := named.(*ssh.Certificate); ok {
		pub = c.Key
	}
	ag, closeAgent, err := dialAgent()
	if err != nil && o.useAgent {
		o.errorf(msgSigNoAgent)
		return nil, nil, nothing, false
	}
	if ag != nil {
		if s := agentSigner(ag, pub); s != nil {
			return s, named, closeAgent, true
		}
		closeAgent()
		if o.useAgent {
			o.errorf(msgSigNoAgentKey)
			return nil, nil, nothing, false
		}
	}
	priv, missing := path, msgSigNoPrivate
	if strings.HasSuffix(path, ".pub") {
		priv = strings.TrimSuffix(strings.TrimSuffix(path, ".pub"), "-cert")
		missing = msgSigNoPrivateFor
	}
	if _, err := os.Stat(priv); err != nil {
		o.errorf(missing, path)
		return nil, nil, nothing, false
	}
	k, _, ok := o.loadPrivate(priv, msgSigPassphrase, msgLoadKey)
	if !ok {
		return nil, nil, nothing, false
	}
	s, err := k.Signer()
	if err != nil {
		o.errorf(msgLoadKey, priv, err)
		return nil, nil, nothing, false
	}
	return s, named, nothing, true
}

// dialAgent connects to the agent at SSH_AUTH_SOCK.
func dialAgent() (agent.ExtendedAgent, func(), error) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, nil, errors.New("agent not present")
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, nil, err
	}
	return agent.NewClient(conn), func() { conn.Close() }, nil
}

// agentSigner is the agent's signer for pub, nil when it has none.
func agentSigner(ag agent.ExtendedAgent, pub ssh.PublicKey) ssh.Signer {
	signers, err := ag.Signers()
	if err != nil {
		return nil
	}
	for _, s := range signers {
		if bytes.Equal(s.PublicKey().Marshal(), pub.Marshal()) {
			return s
		}
	}
	return nil
}

// readSignature loads and parses -s, with OpenSSH's lines when it
// cannot: the reason, then where caller (OpenSSH's function, sig_verify
// or sig_find_principals) gave up.
func (o *opts) readSignature(caller string) (*sshsig.Signature, bool) {
	data, err := os.ReadFile(o.caKey)
	if err != nil {
		o.errorf(msgSigReadSig, errText(err))
		return nil, false
	}
	blob, err := sshsig.Unarmor(data)
	if err != nil {
		var b64 base64.CorruptInputError
		if errors.As(err, &b64) {
			o.errorf(msgSigBase64)
			o.errorf(msgSigArmor, caller, "invalid format")
		} else {
			o.errorf(msgSigParse, strings.TrimPrefix(err.Error(), "couldn't parse signature: "))
			o.errorf(msgSigArmor, caller, "incomplete message")
		}
		return nil, false
	}
	sig, err := sshsig.Parse(blob)
	if err != nil {
		o.errorf(msgSigVerifyNS, "invalid format")
		if caller == "sig_find_principals" {
			o.errorf(msgSigGetPubkey, caller)
		}
		return nil, false
	}
	return sig, true
}

// verifySelf checks the signature over stdin with the key it names.
func (o *opts) verifySelf(sig *sshsig.Signature) bool {
	switch err := sig.Verify(o.stdin, o.principals); {
	case errors.Is(err, sshsig.ErrNamespace):
		o.errorf(msgSigVerifyNS, err)
		return false
	case err != nil:
		o.errorf(msgSigVerifyFailed, err)
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
		o.errorf(msgSigRevocations, o.sshfpHost, errText(err))
		return true
	}
	if k := krl.RevokedBy(test, key); k != nil {
		o.errorf(msgSigRevoked, keys.TypeLabel(k), keys.Fingerprint(k, o.hashAlg), o.sshfpHost)
		return true
	}
	return false
}

// allowedSigners loads -f as an allowed_signers file; why is the reason
// it could not be read, "" when it was read.
func (o *opts) allowedSigners() (list []sshsig.Signer, why string, ok bool) {
	data, err := os.ReadFile(o.file)
	if err != nil {
		o.errorf(msgSigOpenAllowed, o.file, errText(err))
		return nil, errText(err), false
	}
	list, err = sshsig.ParseAllowedSigners(data, o.file)
	if err != nil {
		o.errorLines(err.Error())
		return nil, "", false
	}
	return list, "", true
}

func (o *opts) sigVerify() int {
	if o.sigMissing(msgSigTooFew, "verify", sigNeed{o.principals == "", "namespace"}, sigNeed{o.caKey == "", "signature file"}) ||
		// sic: OpenSSH names the wrong operation here.
		o.sigMissing(msgSigTooFew, "sign", sigNeed{!o.hasFile, "allowed keys file"}) ||
		o.sigMissing(msgSigTooFew, "verify", sigNeed{o.keyID == "", "principal identity"}) {
		return 1
	}
	_, at, ok := o.sigOptions("verify-time")
	if !ok || !o.verifyAllowed(at) {
		fmt.Fprint(o.stdout, msgSigCouldNot)
		return 255
	}
	return 0
}

func (o *opts) verifyAllowed(at time.Time) bool {
	sig, ok := o.readSignature("sig_verify")
	if !ok || !o.verifySelf(sig) {
		return false
	}
	if o.sshfp && o.revoked(sig.PublicKey) {
		return false
	}
	list, _, ok := o.allowedSigners()
	if !ok {
		return false
	}
	if err := sshsig.Check(list, o.file, sig, o.keyID, o.principals, at); err != nil {
		if strings.HasPrefix(err.Error(), o.file+":") {
			o.errorLines(err.Error())
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
	// Every failure ends in "No principal matched.".
	_, at, ok := o.sigOptions("verify-time")
	if !ok {
		fmt.Fprint(o.stderr, msgSigNoPrincipal)
		return 255
	}
	sig, ok := o.readSignature("sig_find_principals")
	if !ok {
		fmt.Fprint(o.stderr, msgSigNoPrincipal)
		return 255
	}
	list, why, ok := o.allowedSigners()
	if !ok {
		if why != "" {
			o.errorf(msgSigFindFailed, why)
		}
		fmt.Fprint(o.stderr, msgSigNoPrincipal)
		return 255
	}
	found, errs := sshsig.FindPrincipals(list, o.file, sig, at)
	for _, err := range errs {
		o.errorLines(err.Error())
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
	list, _, ok := o.allowedSigners()
	if !ok {
		// OpenSSH exits with its internal error code here (232).
		fmt.Fprint(o.stderr, msgSigNoPrincipal)
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
	if _, _, ok := o.sigOptions("verify-time"); !ok {
		fmt.Fprint(o.stdout, msgSigCouldNot)
		return 255
	}
	sig, ok := o.readSignature("sig_verify")
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
