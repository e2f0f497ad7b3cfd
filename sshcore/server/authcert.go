package server

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/krl"
)

// Certificates: a user certificate logs in when its CA is listed in
// TrustedUserCAKeys (principals from AuthorizedPrincipalsFile, or else the
// user name must be one of the certificate's) or on a cert-authority line
// of the user's authorized_keys (principals= there, or else the user
// name). Validity, signature and critical options are checked by
// x/crypto's CertChecker; force-command and source-address are applied
// here; revoked keys and CAs (RevokedKeys) are refused.

// isRevoked says whether RevokedKeys lists key (for a certificate: its key
// or its CA, or its serial or key ID in a KRL). The file is a list of
// public keys or an OpenSSH binary KRL. An unreadable or malformed file
// revokes everything, as in OpenSSH: a broken revocation list must not
// let revoked keys in.
func (c *conn) isRevoked(revokedFile string, key ssh.PublicKey) bool {
	if revokedFile == "" || strings.EqualFold(revokedFile, "none") {
		return false
	}
	revoked, err := krl.ReadRevocations(revokedFile)
	if err != nil {
		c.srv.log().Errorf(msgRevokedRead, revokedFile, err)
		return true
	}
	if shown := krl.RevokedBy(revoked, key); shown != nil {
		c.srv.log().Errorf(msgKeyRevoked, keyTypeName(shown), ssh.FingerprintSHA256(shown), revokedFile)
		return true
	}
	return false
}

// checkCertificate decides a user certificate for the admitted user; the
// returned options carry force-command and the permit-* extensions.
func (c *conn) checkCertificate(a *admission, cert *ssh.Certificate) (*keyOptions, error) {
	log := c.srv.log()
	// Refusals in OpenSSH's words (sshkey_cert_check_authority and
	// auth2-pubkey.c), at ERROR, as it logs them; the caller then logs
	// "Failed publickey" for the certificate. sshbox's own refusals say
	// which certificate and user.
	refuse := func(why string) (*keyOptions, error) {
		log.Errorf("%s", why)
		return nil, errDenied
	}
	refuseOwn := func(why string) (*keyOptions, error) {
		log.Infof(msgCertRefused, certDetail(cert), a.name, why)
		return nil, errDenied
	}
	if cert.CertType != ssh.UserCert {
		return refuse(whyCertNotUser)
	}
	if !c.certAlgoAllowed(cert) {
		return refuseOwn("certificate type not in PubkeyAcceptedAlgorithms")
	}
	opts := a.opts
	var ko *keyOptions
	var allowed []string // principals that may log in as this user
	principal := ""
	if cas := opts.TrustedUserCAKeys; cas != "" && !strings.EqualFold(cas, "none") {
		list, err := krl.ReadKeyList(cas)
		if err != nil {
			log.Errorf(msgTrustedCARead, cas, err)
		} else if krl.ContainsKey(list, cert.SignatureKey) {
			ko = &keyOptions{}
			pf, pc := opts.AuthorizedPrincipalsFile, opts.AuthorizedPrincipalsCommand
			var lines []principalLine
			if configured(pf) {
				var err error
				if lines, err = c.readPrincipals(pf, a); err != nil {
					return refuseOwn(err.Error())
				}
			}
			// The command is asked when the file names none of the
			// certificate's principals, as in OpenSSH.
			if configured(pc) && !anyPrincipal(cert, principalNames(lines)) {
				var err error
				if lines, err = c.principalsCommand(a, cert); err != nil {
					return refuseOwn(err.Error())
				}
			}
			if configured(pf) || configured(pc) {
				// As OpenSSH: the first line whose principal the
				// certificate carries decides, with its own options.
				for _, l := range lines {
					allowed = append(allowed, l.name)
					if principal == "" && slices.Contains(cert.ValidPrincipals, l.name) {
						principal, ko = l.name, l.opts
					}
				}
				if principal == "" {
					return refuse(whyCertNoAuthorizedPrincipal)
				}
				if why := c.keyOptionsRefuse(ko); why != "" {
					return refuseOwn("principals line for " + principal + ": " + why)
				}
			} else {
				allowed = []string{a.name}
			}
			ko.found = fmt.Sprintf(msgCertAcceptedVia, cert.KeyId, cert.Serial,
				keyTypeName(cert.SignatureKey), ssh.FingerprintSHA256(cert.SignatureKey), cas)
		}
	}
	if ko == nil {
		// A cert-authority line in the user's own authorized_keys; a CA
		// trusted nowhere is only the "Failed publickey" that follows.
		ko = c.findCertAuthority(a, cert)
		if ko == nil {
			log.Debugf("CA %s %s is not trusted for %s", keyTypeName(cert.SignatureKey), ssh.FingerprintSHA256(cert.SignatureKey), a.name)
			return nil, errDenied
		}
		allowed = ko.Principals
		if len(allowed) > 0 && !anyPrincipal(cert, allowed) {
			return refuse(whyCertNoAuthorizedPrincipal)
		}
		if len(allowed) == 0 {
			allowed = []string{a.name}
		}
		ko.found = fmt.Sprintf(msgCertAcceptedAt, cert.KeyId, cert.Serial,
			keyTypeName(cert.SignatureKey), ssh.FingerprintSHA256(cert.SignatureKey), ko.atFile, ko.atLine)
	}
	// sshkey_cert_check_authority's order: validity, then the name. A
	// certificate without principals is refused here also under a
	// cert-authority line (where OpenSSH would take it for any user).
	now := time.Now().Unix()
	switch {
	case int64(cert.ValidAfter) < 0 || now < int64(cert.ValidAfter):
		return refuse(whyCertNotYetValid)
	case cert.ValidBefore != ssh.CertTimeInfinity && (int64(cert.ValidBefore) < 0 || now >= int64(cert.ValidBefore)):
		return refuse(whyCertExpired)
	case len(cert.ValidPrincipals) == 0:
		return refuse(whyCertNoPrincipals)
	}
	for _, p := range cert.ValidPrincipals {
		if principal == "" && slices.Contains(allowed, p) {
			principal = p
		}
	}
	if principal == "" {
		return refuse(whyCertNotListed)
	}
	checker := ssh.CertChecker{SupportedCriticalOptions: []string{"force-command", "source-address"}}
	if err := checker.CheckCert(principal, cert); err != nil {
		return refuseOwn(strings.TrimPrefix(err.Error(), "ssh: "))
	}
	if f := cert.Signature.Format; !slices.Contains(a.opts.CASignatureAlgorithms, f) {
		return refuseOwn("signature algorithm " + f + " not in CASignatureAlgorithms")
	}
	if sa, ok := cert.CriticalOptions["source-address"]; ok {
		match, err := matchCIDRList(sa, c.remoteIP)
		if err != nil {
			return refuseOwn("source-address " + sa + ": " + err.Error())
		}
		if !match {
			return refuseOwn("source-address " + sa + " does not allow " + c.remoteIP)
		}
	}
	out := *ko
	if cmd, ok := cert.CriticalOptions["force-command"]; ok {
		out.Command, out.HasCommand = cmd, true
	}
	ext := cert.Extensions
	has := func(name string) bool { _, ok := ext[name]; return ok }
	out.NoPty = out.NoPty || !has("permit-pty")
	out.NoPortForwarding = out.NoPortForwarding || !has("permit-port-forwarding")
	out.NoAgentForwarding = out.NoAgentForwarding || !has("permit-agent-forwarding")
	out.NoX11Forwarding = out.NoX11Forwarding || !has("permit-X11-forwarding")
	out.NoUserRC = out.NoUserRC || !has("permit-user-rc")
	return &out, nil
}

// certDetail is how a certificate is named in the log, as OpenSSH does.
func certDetail(cert *ssh.Certificate) string {
	return fmt.Sprintf("%s %s ID %s (serial %d) CA %s %s", keyTypeName(cert), ssh.FingerprintSHA256(cert.Key),
		cert.KeyId, cert.Serial, keyTypeName(cert.SignatureKey), ssh.FingerprintSHA256(cert.SignatureKey))
}

// principalLine is one line of an AuthorizedPrincipalsFile.
type principalLine struct {
	name string
	opts *keyOptions
}

// readPrincipals reads an AuthorizedPrincipalsFile (tokens as in
// AuthorizedKeysFile; the same ownership checks): one principal per line,
// possibly after authorized_keys options, which then apply to a login by
// that line. A line whose options do not parse (an unknown option
// included) is skipped, never used without them, as OpenSSH does.
func (c *conn) readPrincipals(pattern string, a *admission) ([]principalLine, error) {
	path, err := expandAuthKeysPath(pattern, a.acct)
	if err != nil {
		return nil, err
	}
	recs, err := readAuthorizedKeys(path, a.acct, a.opts.StrictModes)
	if err != nil {
		return nil, err
	}
	return c.parsePrincipals(path, recs), nil
}

// parsePrincipals reads principals lines from a file's or an
// AuthorizedPrincipalsCommand's output (source names it in the log).
func (c *conn) parsePrincipals(source string, recs []string) []principalLine {
	var lines []principalLine
	now := time.Now()
	for i, rec := range recs {
		opts, name, err := splitPrincipalLine(rec)
		if err != nil {
			c.srv.log().Verbosef(msgAuthKeysLine, source, i+1, err)
			continue
		}
		if name == "" {
			continue
		}
		o, err := parseKeyOptions(opts, now)
		if err != nil {
			c.srv.log().Verbosef(msgAuthKeysLine, source, i+1, err)
			continue
		}
		lines = append(lines, principalLine{name: name, opts: &o})
	}
	return lines
}

// principalNames are the principals lines name, in order.
func principalNames(lines []principalLine) []string {
	var names []string
	for _, l := range lines {
		names = append(names, l.name)
	}
	return names
}

// keyOptionsRefuse checks the options that limit where and until when a
// line may be used (from=, expiry-time=): "" when they allow this login.
func (c *conn) keyOptionsRefuse(ko *keyOptions) string {
	if len(ko.From) > 0 && !matchHostIP(ko.From, c.remoteHost, c.remoteIP) {
		return "not from a permitted host (" + c.remoteIP + ")"
	}
	if !ko.ExpiryTime.IsZero() && !time.Now().Before(ko.ExpiryTime) {
		return "expired at " + ko.ExpiryTime.Format("2006-01-02T15:04:05")
	}
	return ""
}

// splitPrincipalLine splits an AuthorizedPrincipalsFile line into its
// options and its principal: the principal is the last word outside
// double quotes, the options the comma-separated list before it.
func splitPrincipalLine(line string) (opts []string, principal string, err error) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return nil, "", nil
	}
	quoted, last := false, -1
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			if quoted && i+1 < len(line) {
				i++
			}
		case '"':
			quoted = !quoted
		case ' ', '\t':
			if !quoted {
				last = i
			}
		}
	}
	if quoted {
		return nil, "", errors.New("unterminated quote")
	}
	if last < 0 {
		if strings.ContainsAny(line, " \t") {
			// Blanks only inside quotes: no principal is ever like that.
			return nil, "", fmt.Errorf("no principal in %q", line)
		}
		return nil, line, nil
	}
	principal = strings.TrimSpace(line[last+1:])
	if strings.ContainsAny(principal, " \t\"") {
		return nil, "", fmt.Errorf("no principal in %q", line)
	}
	text := strings.TrimSpace(line[:last])
	start := 0
	quoted = false
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\\':
			if quoted && i+1 < len(text) {
				i++
			}
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				opts = append(opts, text[start:i])
				start = i + 1
			}
		case ' ', '\t':
			// Options are comma-separated: a blank outside quotes would
			// leave what follows it (a from=, say) unread, so the line
			// is refused rather than used without it.
			if !quoted {
				return nil, "", fmt.Errorf("bad options %q", text)
			}
		}
	}
	opts = append(opts, text[start:])
	for _, o := range opts {
		if o == "" {
			return nil, "", fmt.Errorf("bad options %q", text)
		}
	}
	return opts, principal, nil
}

// findCertAuthority looks for a cert-authority line naming ca in the
// user's authorized keys files and returns its options.
func (c *conn) findCertAuthority(a *admission, cert *ssh.Certificate) *keyOptions {
	files := c.authorizedKeysFiles(a, a.opts)
	caBytes := cert.SignatureKey.Marshal()
	now := time.Now()
	for _, pattern := range files {
		if strings.EqualFold(pattern, "none") {
			continue
		}
		path, err := expandAuthKeysPath(pattern, a.acct)
		if err != nil {
			continue
		}
		recs, err := readAuthorizedKeys(path, a.acct, a.opts.StrictModes)
		if err != nil {
			c.srv.log().Infof(msgAuthKeysBad, err)
			continue
		}
		if ko := c.certAuthorityIn(path, recs, a, caBytes, now); ko != nil {
			return ko
		}
	}
	// Then AuthorizedKeysCommand's lines, as OpenSSH asks it about the
	// certificate too.
	if recs, ok := c.keysCommand(a, cert); ok {
		return c.certAuthorityIn(a.opts.AuthorizedKeysCommand, recs, a, caBytes, now)
	}
	return nil
}

// certAuthorityIn finds the cert-authority line for the CA caBytes among
// authorized_keys lines read from path.
func (c *conn) certAuthorityIn(path string, recs []string, a *admission, caBytes []byte, now time.Time) *keyOptions {
	for i, rec := range recs {
		ak, err := parseAuthorizedKey(rec, now)
		if err != nil || ak == nil || !ak.Options.CertAuthority || !bytes.Equal(ak.Key.Marshal(), caBytes) {
			continue
		}
		if len(ak.Options.From) > 0 && !matchHostIP(ak.Options.From, c.remoteHost, c.remoteIP) {
			c.srv.log().Infof(msgKeyFromRefused, a.name, c.remoteHost, c.remoteIP)
			continue
		}
		if !ak.Options.ExpiryTime.IsZero() && !now.Before(ak.Options.ExpiryTime) {
			c.srv.log().Infof(msgKeyExpired, path, i+1, ak.Options.ExpiryTime.Format("2006-01-02T15:04:05"))
			continue
		}
		o := ak.Options
		o.atFile, o.atLine = path, i+1
		return &o
	}
	return nil
}

// certAlgoAllowed says whether PubkeyAcceptedAlgorithms names an algorithm
// for the certificate's type (for RSA, one of the rsa-sha2 certificate
// algorithms: which one the client signs with is not known yet).
func (c *conn) certAlgoAllowed(cert *ssh.Certificate) bool {
	if cert.Key.Type() == ssh.KeyAlgoRSA {
		return c.certAlgos[ssh.CertAlgoRSASHA512v01] || c.certAlgos[ssh.CertAlgoRSASHA256v01] || c.certAlgos[ssh.CertAlgoRSAv01]
	}
	return c.certAlgos[cert.Type()]
}

// plainAlgoAllowed says whether PubkeyAcceptedAlgorithms names an algorithm
// for a plain key's type (for RSA, any of the three: the signature's is
// checked by x/crypto against the list).
func (c *conn) plainAlgoAllowed(key ssh.PublicKey) bool {
	if key.Type() == ssh.KeyAlgoRSA {
		return c.keyAlgos[ssh.KeyAlgoRSASHA512] || c.keyAlgos[ssh.KeyAlgoRSASHA256] || c.keyAlgos[ssh.KeyAlgoRSA]
	}
	return c.keyAlgos[key.Type()]
}
