package sshsig

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/sshtime"
)

// Signer is one line of an allowed_signers file (ssh-keygen(1), ALLOWED
// SIGNERS): who may sign with which key, for which namespaces, when.
type Signer struct {
	Line          int
	Principals    string // comma-separated patterns, as written
	CertAuthority bool
	Namespaces    string // comma-separated patterns; "" allows any
	ValidAfter    time.Time
	ValidBefore   time.Time
	Key           ssh.PublicKey
}

// ParseAllowedSigners reads an allowed_signers file. A bad line is an
// error naming name:line, not skipped: a file the administrator believes
// restricts signers must not silently restrict less.
func ParseAllowedSigners(data []byte, name string) ([]Signer, error) {
	var out []Signer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		s, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s", name, n, err)
		}
		s.Line = n
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", name, n+1, err)
	}
	return out, nil
}

// field cuts the next whitespace-separated token, keeping double-quoted
// runs whole (principals and options may be quoted).
func field(s string) (tok, rest string, err error) {
	s = strings.TrimLeft(s, " \t")
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case (c == ' ' || c == '\t') && !quoted:
			return s[:i], s[i:], nil
		}
	}
	if quoted {
		return "", "", errors.New("unterminated quote")
	}
	return s, "", nil
}

func parseLine(line string) (Signer, error) {
	var s Signer
	principals, rest, err := field(line)
	if err != nil {
		return s, err
	}
	s.Principals = strings.Trim(principals, "\"")
	if s.Principals == "" {
		return s, errors.New("missing principals")
	}
	rest = strings.TrimLeft(rest, " \t")
	// ParseAuthorizedKey would take options itself (authorized_keys
	// form); here options are ours to read, so a key with any is no key.
	key, err := plainKey(rest)
	if err != nil {
		// Not a key: options come first.
		var opts string
		if opts, rest, err = field(rest); err != nil {
			return s, err
		}
		if err := s.parseOptions(opts); err != nil {
			return s, err
		}
		rest = strings.TrimLeft(rest, " \t")
		if key, err = plainKey(rest); err != nil {
			return s, errors.New("invalid key")
		}
	}
	if _, isCert := key.(*ssh.Certificate); isCert {
		return s, errors.New("invalid key: certificates are not allowed signers")
	}
	s.Key = key
	return s, nil
}

// plainKey reads "type base64 [comment]" with no options before it.
func plainKey(s string) (ssh.PublicKey, error) {
	key, _, opts, _, err := ssh.ParseAuthorizedKey([]byte(s))
	if err == nil && len(opts) > 0 {
		err = errors.New("options before the key")
	}
	return key, err
}

// parseOptions reads the comma-separated option list; an unknown option is
// an error, as in OpenSSH.
func (s *Signer) parseOptions(opts string) error {
	for opts != "" {
		var opt string
		opt, opts = cutOption(opts)
		name, value, hasValue := strings.Cut(opt, "=")
		if hasValue {
			if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
				return fmt.Errorf("bad %s option value", name)
			}
			value = value[1 : len(value)-1]
		}
		var err error
		switch strings.ToLower(name) {
		case "cert-authority":
			s.CertAuthority = true
			continue
		case "namespaces":
			s.Namespaces = value
		case "valid-after":
			s.ValidAfter, err = sshtime.Absolute(value, time.Local)
		case "valid-before":
			s.ValidBefore, err = sshtime.Absolute(value, time.Local)
		default:
			return fmt.Errorf("unsupported option %q", name)
		}
		if !hasValue {
			return fmt.Errorf("option %s needs a value", name)
		}
		if err != nil {
			return fmt.Errorf("invalid %s time %q", name, value)
		}
	}
	return nil
}

// cutOption splits at the first comma outside quotes.
func cutOption(s string) (opt, rest string) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return s[:i], s[i+1:]
			}
		}
	}
	return s, ""
}

// MatchPrincipal reports whether id matches the line's principal patterns.
func (s *Signer) MatchPrincipal(id string) bool {
	return configfmt.MatchList(id, s.Principals, false) == 1
}

// validAt checks the line's validity window.
func (s *Signer) validAt(t time.Time) error {
	if !s.ValidAfter.IsZero() && t.Before(s.ValidAfter) {
		return fmt.Errorf("key is not yet valid: verify time %s < valid-after %s", t.Format("2006-01-02T15:04:05"), s.ValidAfter.Format("2006-01-02T15:04:05"))
	}
	if !s.ValidBefore.IsZero() && t.After(s.ValidBefore) {
		return fmt.Errorf("key has expired: verify time %s > valid-before %s", t.Format("2006-01-02T15:04:05"), s.ValidBefore.Format("2006-01-02T15:04:05"))
	}
	return nil
}

// keyMatches reports whether the line vouches for the signing key: the
// same plain key, or (cert-authority) a user certificate from this CA,
// valid at t, whose principals include principal ("" for any).
func (s *Signer) keyMatches(key ssh.PublicKey, principal string, t time.Time) bool {
	cert, isCert := key.(*ssh.Certificate)
	if !isCert {
		return !s.CertAuthority && bytes.Equal(key.Marshal(), s.Key.Marshal())
	}
	if !s.CertAuthority || cert.CertType != ssh.UserCert || !bytes.Equal(cert.SignatureKey.Marshal(), s.Key.Marshal()) {
		return false
	}
	unix := uint64(t.Unix())
	if unix < cert.ValidAfter || (cert.ValidBefore != ssh.CertTimeInfinity && unix >= cert.ValidBefore) {
		return false
	}
	if err := checkCertSignature(cert); err != nil {
		return false
	}
	if principal == "" {
		return true
	}
	for _, p := range cert.ValidPrincipals {
		if p == principal {
			return true
		}
	}
	return false
}

// checkCertSignature verifies the CA's signature over the certificate.
// Only the signature: critical options (force-command, source-address)
// restrict logins, not signatures, and OpenSSH ignores them here too.
func checkCertSignature(cert *ssh.Certificate) error {
	if cert.Signature == nil {
		return errors.New("certificate has no signature")
	}
	// The signed part is the certificate's encoding up to its signature,
	// which is the last string.
	full := cert.Marshal()
	sig := ssh.Marshal(cert.Signature)
	if len(full) < 4+len(sig) {
		return errors.New("certificate too short")
	}
	return cert.SignatureKey.Verify(full[:len(full)-4-len(sig)], cert.Signature)
}

// Check finds the line that allows principal to have made sig for
// namespace at time t: OpenSSH's ssh-keygen -Y verify. The error says why
// the last candidate line refused, naming name:line.
func Check(signers []Signer, name string, sig *Signature, principal, namespace string, t time.Time) error {
	var why error
	for i := range signers {
		s := &signers[i]
		if !s.MatchPrincipal(principal) || !s.keyMatches(sig.PublicKey, principal, t) {
			continue
		}
		if s.Namespaces != "" && configfmt.MatchList(namespace, s.Namespaces, false) != 1 {
			why = fmt.Errorf("%s:%d: key is not permitted for use in signature namespace %q", name, s.Line, namespace)
			continue
		}
		if err := s.validAt(t); err != nil {
			why = fmt.Errorf("%s:%d: %v", name, s.Line, err)
			continue
		}
		return nil
	}
	if why == nil {
		why = errors.New("no matching allowed signer")
	}
	return why
}

// FindPrincipals lists the principals of the first line that vouches for
// the signature's key at t, as ssh-keygen -Y find-principals does.
// Problems with candidate lines before it are returned alongside, for the
// caller to print.
func FindPrincipals(signers []Signer, name string, sig *Signature, t time.Time) ([]string, []error) {
	var out []string
	var errs []error
	for i := range signers {
		s := &signers[i]
		if !s.keyMatches(sig.PublicKey, "", t) {
			continue
		}
		if err := s.validAt(t); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %v", name, s.Line, err))
			continue
		}
		if cert, ok := sig.PublicKey.(*ssh.Certificate); ok {
			for _, p := range cert.ValidPrincipals {
				if s.MatchPrincipal(p) {
					out = append(out, p)
				}
			}
			if len(out) == 0 {
				continue
			}
			return out, errs
		}
		return strings.Split(s.Principals, ","), errs
	}
	return nil, errs
}
