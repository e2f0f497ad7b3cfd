package server

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/sshcore/keys"
)

func init() { authMethods = append(authMethods, setupMethods) }

// defaultAuthorizedKeysFiles is OpenSSH's default AuthorizedKeysFile.
var defaultAuthorizedKeysFiles = []string{".ssh/authorized_keys", ".ssh/authorized_keys2"}

// publicKey decides whether key may log in as the user; x/crypto asks it
// both for a query and before checking a signature, caching the answer.
func (c *conn) publicKey(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	start := time.Now()
	perms, err := c.checkPublicKey(userName(meta.User()), key)
	if err != nil {
		padFailure(start, userName(meta.User()))
	}
	return perms, err
}

func (c *conn) checkPublicKey(name string, key ssh.PublicKey) (*ssh.Permissions, error) {
	a := c.admit(name)
	acct := a.acct
	if acct == nil || a.why != "" {
		// Look for the key all the same, in a place that cannot exist,
		// so that the answer takes the time a real lookup takes.
		// Like OpenSSH's fakepw, the stand-in has a fixed name: the
		// client's name must not steer an absolute AuthorizedKeysFile
		// with %u, since this lookup is done as sshd itself.
		acct = &account{Name: "NOUSER", Home: "/nonexistent/sshbox", UID: uint32(os.Geteuid()), GID: uint32(os.Getegid())}
	}
	opts := a.opts
	if !opts.PubkeyAuthentication || !c.methodAllowed(a, "publickey") {
		return nil, errDenied
	}
	if c.keyUsed(key) {
		// AuthenticationMethods publickey,publickey wants two keys.
		c.srv.log().Infof(msgKeyReused, keyTypeName(key), ssh.FingerprintSHA256(plainKey(key)))
		return nil, errDenied
	}
	if keys.RSATooShort(key, opts.RequiredRSASize) {
		c.srv.log().Infof(msgRSATooShort, keyTypeName(key))
		return nil, errDenied
	}
	if bits, ok := keySizeAllowed(key, opts); !ok {
		c.srv.log().Infof(msgKeySizeOutside, keyTypeName(key), bits, opts.PubkeyMinSize, opts.PubkeyMaxSize)
		return nil, errDenied
	}
	if cert, ok := key.(*ssh.Certificate); ok {
		if a.why != "" || a.acct == nil {
			return nil, errDenied
		}
		if c.isRevoked(opts.RevokedKeys, key) {
			c.logKeyFailed(name, opts.MaxAuthTries, key)
			return nil, errDenied
		}
		ko, err := c.checkCertificate(a, cert)
		if err != nil {
			c.logKeyFailed(name, opts.MaxAuthTries, key)
			return nil, err
		}
		c.logKeyFound(ko)
		return c.keyFound(a, key, ko)
	}
	if !c.plainAlgoAllowed(key) {
		if a.why == "" {
			c.srv.log().Infof(msgKeyTypeNotAccepted, key.Type())
		}
		return nil, errDenied
	}
	files := c.authorizedKeysFiles(a, opts)
	now := time.Now()
	keyBytes := key.Marshal()
	var found *keyOptions
	for _, pattern := range files {
		if strings.EqualFold(pattern, "none") {
			continue
		}
		path, err := expandAuthKeysPath(pattern, acct)
		if err != nil {
			c.srv.log().Errorf("%v", err)
			continue
		}
		ko, err := c.lookupKeyFile(path, acct, opts.StrictModes, keyBytes, now)
		if err != nil {
			if a.why == "" {
				c.srv.log().Infof(msgAuthKeysBad, err)
			}
			continue
		}
		if ko != nil {
			found = ko
			break
		}
	}
	if a.why != "" || a.acct == nil {
		return nil, errDenied
	}
	if found == nil {
		// An ssh2 server's own place for keys (authssh2.go).
		found = c.lookupSSH2Authorization(acct, opts, opts.StrictModes, keyBytes)
	}
	if found == nil {
		// After the files, AuthorizedKeysCommand, as in OpenSSH.
		if recs, ok := c.keysCommand(a, key); ok {
			found = c.matchKeyRecords(opts.AuthorizedKeysCommand, recs, acct, keyBytes, now)
		}
	}
	if found == nil {
		c.logKeyFailed(name, opts.MaxAuthTries, key)
		return nil, errDenied
	}
	if c.isRevoked(opts.RevokedKeys, key) {
		c.logKeyFailed(name, opts.MaxAuthTries, key)
		return nil, errDenied
	}
	return c.keyFound(a, key, found)
}

// authorizedKeysFiles are the AuthorizedKeysFile entries to search for
// the admitted account: the configured ones (OpenSSH's default if none),
// or, for uid 0 when the server has a RootAuthorizedKeysFile that exists,
// that file alone, as OpenWrt's Dropbear reads root's keys. Only a file
// that does not exist (nor its directory) brings the configured ones
// back: one that is there but unreadable or insecure gives no keys.
func (c *conn) authorizedKeysFiles(a *admission, opts *configfmt.ServerOptions) []string {
	if root := c.srv.RootAuthorizedKeysFile; root != "" && a.acct != nil && a.acct.UID == 0 {
		if _, err := os.Lstat(root); !errors.Is(err, fs.ErrNotExist) {
			// A literal path: the %-tokens of AuthorizedKeysFile are not
			// for it.
			return []string{strings.ReplaceAll(root, "%", "%%")}
		}
	}
	if len(opts.AuthorizedKeysFile) == 0 {
		return defaultAuthorizedKeysFiles
	}
	return opts.AuthorizedKeysFile
}

// keyFound records that key (a plain key or a certificate) may log in as
// the user with options found, once root's rules are applied.
func (c *conn) keyFound(a *admission, key ssh.PublicKey, found *keyOptions) (*ssh.Permissions, error) {
	name := a.name
	if a.acct.UID == 0 && strings.EqualFold(a.opts.PermitRootLogin, "forced-commands-only") && !found.HasCommand {
		c.srv.log().Infof(msgRootRefused, c.remoteIP, c.remotePort)
		return nil, errDenied
	}
	fp := ssh.FingerprintSHA256(key)
	c.mu.Lock()
	if c.keyOpts == nil {
		c.keyOpts = map[string]*keyOptions{}
	}
	c.keyOpts[name+" "+fp] = found
	c.mu.Unlock()
	return &ssh.Permissions{Extensions: map[string]string{"pubkey-fp": fp}}, nil
}

// logKeyFailed logs a key no file lets in, as OpenSSH's auth_log does:
// at VERBOSE, since a client offers key after key, unless half of
// MaxAuthTries have failed already (c.authFailures: OpenSSH's monitor
// counts the passwords and answers refused, and signatures that failed).
func (c *conn) logKeyFailed(name string, maxTries int, key ssh.PublicKey) {
	c.mu.Lock()
	failures := c.authFailures
	c.mu.Unlock()
	c.authLogf(failures, maxTries, msgFailed, "publickey", name, c.remoteIP, c.remotePort, ": "+keyDetail(key))
}

// authLogf logs at OpenSSH's auth_log level for a line that does not
// decide the login: VERBOSE, raised to INFO once half of MaxAuthTries
// have failed (failures, by the count of whichever OpenSSH process writes
// the line).
func (c *conn) authLogf(failures, maxTries int, format string, args ...any) {
	if failures >= maxTries/2 {
		c.srv.log().Infof(format, args...)
	} else {
		c.srv.log().Verbosef(format, args...)
	}
}

// keyDetail names a key in the log as OpenSSH's format_method_key does:
// "ED25519 SHA256:...", for a certificate its ID, serial and CA too.
func keyDetail(key ssh.PublicKey) string {
	if cert, ok := key.(*ssh.Certificate); ok {
		return certDetail(cert)
	}
	return keyTypeName(key) + " " + ssh.FingerprintSHA256(key)
}

// logKeyFound is OpenSSH's VERBOSE line for a key found in a file (or a
// certificate accepted), said each time the key is checked: when the
// client asks about it, and again when it signs.
func (c *conn) logKeyFound(ko *keyOptions) {
	if ko.found != "" {
		c.srv.log().Verbosef("%s", ko.found)
	}
	if ko.atLine > 0 {
		// Told to the client after the login (authdebug.go).
		c.mu.Lock()
		c.keysFound = append(c.keysFound, ko)
		c.mu.Unlock()
	}
}

// keyQueried runs when the client asked about a key without signing and
// was told it would do (x/crypto's SetPublicKeyQueryCallback).
func (c *conn) keyQueried(meta ssh.ConnMetadata, key ssh.PublicKey) {
	c.mu.Lock()
	if c.keysQueried == nil {
		c.keysQueried = map[string]bool{}
	}
	c.keysQueried[userName(meta.User())+" "+ssh.FingerprintSHA256(key)] = true
	failures := c.requestFailures
	maxTries := c.opts.MaxAuthTries // what x/crypto enforces: the connection's
	c.mu.Unlock()
	// By the count of OpenSSH's unprivileged child, which writes this line.
	c.authLogf(failures, maxTries, msgPostponed, userName(meta.User()), c.remoteIP, c.remotePort)
}

// verifiedPublicKey runs once the client proved it holds the key.
func (c *conn) verifiedPublicKey(meta ssh.ConnMetadata, key ssh.PublicKey, perms *ssh.Permissions, sigAlgo string) (*ssh.Permissions, error) {
	fp := ssh.FingerprintSHA256(key)
	c.mu.Lock()
	ko := c.keyOpts[userName(meta.User())+" "+fp]
	a := c.admissions[userName(meta.User())]
	queried := c.keysQueried[userName(meta.User())+" "+fp]
	c.mu.Unlock()
	if ko == nil || a == nil || a.acct == nil || a.why != "" {
		return nil, errDenied
	}
	if queried {
		c.logKeyFound(ko)
	}
	detail := ": " + keyDetail(key)
	if c.keyUsed(key) {
		return nil, errDenied
	}
	usedFP := fp
	if cert, ok := key.(*ssh.Certificate); ok {
		usedFP = ssh.FingerprintSHA256(cert.Key)
	}
	c.mu.Lock()
	if c.keysUsed == nil {
		c.keysUsed = map[string]bool{}
	}
	c.keysUsed[usedFP] = true
	c.mu.Unlock()
	c.recordAuthInfo("publickey", key)
	if err := c.methodPassed(a, "publickey", detail, ko); err != nil {
		return nil, err
	}
	return perms, nil
}

// keyTypeName is the key type as OpenSSH logs it ("ED25519", "RSA").
func keyTypeName(k ssh.PublicKey) string {
	t := k.Type()
	cert := strings.Contains(t, "-cert-v01@openssh.com")
	t = strings.TrimSuffix(t, "-cert-v01@openssh.com")
	var n string
	switch {
	case t == ssh.KeyAlgoED25519:
		n = "ED25519"
	case t == ssh.KeyAlgoRSA:
		n = "RSA"
	case strings.HasPrefix(t, "ecdsa-sha2-"):
		n = "ECDSA"
	case t == ssh.KeyAlgoSKED25519:
		n = "ED25519-SK"
	case t == ssh.KeyAlgoSKECDSA256:
		n = "ECDSA-SK"
	default:
		n = strings.ToUpper(t)
	}
	if cert {
		n += "-CERT"
	}
	return n
}

// plainKey is the key itself, for a certificate the key it certifies: as
// OpenSSH's sshkey_equal_public, a certificate and its key are one key.
func plainKey(key ssh.PublicKey) ssh.PublicKey {
	if cert, ok := key.(*ssh.Certificate); ok {
		return cert.Key
	}
	return key
}

// keyUsed says whether key already passed an earlier publickey step of
// this connection; OpenSSH refuses it for the next one.
func (c *conn) keyUsed(key ssh.PublicKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.keysUsed) == 0 {
		return false // the usual case; no fingerprint to work out
	}
	return c.keysUsed[ssh.FingerprintSHA256(plainKey(key))]
}

// keySizeAllowed applies the ssh2 dialect's AuthPublicKey.MinSize and
// MaxSize to a key (a certificate's: the key it certifies). A key whose
// size sshbox cannot tell (0 bits) is refused once either is set.
func keySizeAllowed(key ssh.PublicKey, opts *configfmt.ServerOptions) (bits int, ok bool) {
	if opts.PubkeyMinSize == 0 && opts.PubkeyMaxSize == 0 {
		return 0, true
	}
	bits = keys.Bits(key)
	return bits, bits > 0 && bits >= opts.PubkeyMinSize && (opts.PubkeyMaxSize == 0 || bits <= opts.PubkeyMaxSize)
}
