package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/configfmt"
	"sshbox/sshcore/keys"
)

// identity is one key the client may offer.
type identity struct {
	name   string // path or agent comment, for the debug lines
	origin string // " agent", " explicit" as OpenSSH annotates
	signer ssh.Signer
	// publicOnly: the file held only a public key (-i key.pub), which
	// picks that key from the agent and cannot sign by itself.
	publicOnly bool
	// cert: a certificate waiting for its private key (-i CERT, a
	// CertificateFile, a -cert.pub beside a public key); signer is nil
	// until pairCertificates finds the key in a file or the agent.
	cert *ssh.Certificate
}

// pub is the key the identity offers.
func (id *identity) pub() ssh.PublicKey {
	if id.cert != nil {
		return id.cert
	}
	return id.signer.PublicKey()
}

// DefaultIdentityFiles are tried when no IdentityFile is configured.
func DefaultIdentityFiles() []string {
	d := filepath.Join(HomeDir(), ".ssh")
	return []string{filepath.Join(d, "id_ed25519"), filepath.Join(d, "id_ecdsa"), filepath.Join(d, "id_rsa")}
}

// isDefaultList reports whether the identity files are OpenSSH's defaults
// rather than ones the user named (which -v marks "explicit").
func isDefaultList(files []string) bool {
	def := configfmt.DefaultClientOptions().IdentityFiles
	if len(files) != len(def) {
		return false
	}
	for i, f := range def {
		if strings.HasPrefix(f, "~/") {
			f = filepath.Join(HomeDir(), f[2:])
		}
		if files[i] != f {
			return false
		}
	}
	return true
}

// loadIdentities gathers agent keys, identity files and certificates, in the
// order OpenSSH offers them: agent keys first, then files.
func (c *Client) loadIdentities() []*identity {
	o, log := c.Opts, c.Log
	var files []*identity
	explicit := len(o.IdentityFiles) > 0 && !isDefaultList(o.IdentityFiles)
	paths := o.IdentityFiles
	if len(paths) == 0 {
		paths = DefaultIdentityFiles()
	}
	for _, p := range paths {
		// ssh2's IdentityFile names an identification file
		// (identity_ssh2.go); OpenSSH's defaults are keys.
		var ks []string
		ok := false
		if explicit {
			ks, ok = c.identificationKeys(p, "")
		}
		if ok {
			for _, k := range ks {
				files = append(files, c.loadIdentityFile(k, true)...)
			}
			continue
		}
		files = append(files, c.loadIdentityFile(p, explicit)...)
	}
	if f, dir := c.ssh2Identification(); f != "" {
		ks, _ := c.identificationKeys(f, dir)
		for _, k := range ks {
			files = append(files, c.loadIdentityFile(k, true)...)
		}
	}
	for _, p := range o.CertificateFiles {
		files = append(files, c.loadCertificateFile(p)...)
	}
	agentIDs := c.agentIdentities()
	c.pairCertificates(files, agentIDs)
	if o.IdentitiesOnly {
		// Only agent keys that match a configured file may be offered.
		var keep []*identity
		for _, a := range agentIDs {
			for _, f := range files {
				if bytes.Equal(a.pub().Marshal(), f.pub().Marshal()) {
					keep = append(keep, a)
					break
				}
			}
		}
		agentIDs = keep
	}
	var out []*identity
	seen := map[string]bool{}
	for _, id := range append(agentIDs, files...) {
		if id.publicOnly || id.signer == nil {
			continue
		}
		k := string(id.signer.PublicKey().Marshal())
		if seen[k] {
			continue
		}
		if keys.RSATooShort(id.signer.PublicKey(), o.RequiredRSASize) {
			// RequiredRSASize: OpenSSH leaves such keys out, saying so
			// for a file and, under -v, for an agent key.
			if id.origin == " agent" {
				log.Debug1("pubkey_prepare: ignoring %s agent key: Invalid key length", id.signer.PublicKey().Type())
			} else {
				log.Error(msgLoadShortKey, id.name)
			}
			continue
		}
		seen[k] = true
		out = append(out, id)
	}
	if len(out) == 0 {
		log.Debug1("No more authentication methods to try.")
	}
	return out
}

// agentIdentities asks the agent at IdentityAgent (or SSH_AUTH_SOCK).
func (c *Client) agentIdentities() []*identity {
	sock := c.identityAgent()
	if sock == "" {
		return nil
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		c.Log.Debug1("get_agent_identities: ssh_get_authentication_socket: %v", err)
		return nil
	}
	c.agentConn = conn
	ag := agent.NewClient(conn)
	c.agent = ag
	signers, err := ag.Signers()
	if err != nil {
		c.Log.Debug1("get_agent_identities: %v", err)
		return nil
	}
	keys, _ := ag.List()
	var out []*identity
	for i, s := range signers {
		name := "agent key"
		if i < len(keys) && keys[i].Comment != "" {
			name = keys[i].Comment
		}
		out = append(out, &identity{name: name, origin: " agent", signer: s})
	}
	c.Log.Debug1("get_agent_identities: agent returned %d keys", len(out))
	return out
}

// loadIdentityFile loads a private key and its certificate (path-cert.pub)
// when present. An encrypted key is offered by its public half; the
// passphrase is asked only when the server would accept it. sshcore/keys
// does the reading, OpenSSH's permission check and the decoding.
func (c *Client) loadIdentityFile(path string, explicit bool) []*identity {
	log := c.Log
	origin := ""
	if explicit {
		origin = " explicit"
	}
	if _, err := os.Stat(path); err != nil {
		// OpenSSH's sshkey_load_public falls back to FILE.pub: the
		// private half may be in the agent only.
		if pub, ok := publicKeyFile(path + ".pub"); ok {
			log.Debug1(msgIdentityFile, path, keyTypeNumber(pub))
			return c.withCertificate(path, &identity{name: path, origin: origin, signer: publicOnlySigner{pub}, publicOnly: true})
		}
		log.Debug1(msgIdentityFile, path, -1)
		log.Debug1(msgIdentityFile, path+"-cert", -1)
		if explicit {
			log.Debug1("no such identity: %s: No such file or directory", path)
		}
		return nil
	}
	if cert := readCertificate(path); cert != nil {
		// -i CERT: offered once a file or the agent holds its key.
		log.Debug1(msgIdentityFile, path, keyTypeNumber(cert))
		return []*identity{{name: path, origin: origin, cert: cert}}
	}
	if pub, ok := publicKeyFile(path); ok {
		// A public key names the key to use; the agent holds it (with
		// IdentitiesOnly this is how one agent key is chosen).
		log.Debug1(msgIdentityFile, path, keyTypeNumber(pub))
		return c.withCertificate(path, &identity{name: path, origin: origin, signer: publicOnlySigner{pub}, publicOnly: true})
	}
	var signer ssh.Signer
	var loaded func() *keys.PrivateKey // the private key, once known
	k, err := keys.LoadPrivateFile(path, nil)
	var perm *keys.PermissionError
	var readErr *fs.PathError
	switch {
	case err == nil:
		if signer, err = k.Signer(); err != nil {
			log.Error(msgLoadKeyFormat, path)
			return nil
		}
		loaded = func() *keys.PrivateKey { return k }
	case errors.As(err, &perm):
		log.ErrorLines(fmt.Sprintf(msgKeyTooOpen, perm, path))
		return nil
	case errors.Is(err, keys.ErrPassphraseNeeded):
		// The public half is stored in clear in an OpenSSH key; a PEM one
		// needs its .pub file.
		pub, _, perr := keys.LoadPublicFile(path)
		if perr != nil {
			log.Error(msgLoadKeyNoPub, path, path)
			return nil
		}
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			log.Error(msgLoadKey, path, rerr)
			return nil
		}
		lazy := &lazySigner{c: c, path: path, data: data, pub: pub}
		signer = lazy
		loaded = func() *keys.PrivateKey {
			lazy.mu.Lock()
			defer lazy.mu.Unlock()
			return lazy.key
		}
	case errors.As(err, &readErr):
		log.Error(msgLoadKey, path, err)
		return nil
	default:
		log.Error(msgLoadKeyFormat, path)
		return nil
	}
	log.Debug1(msgIdentityFile, path, keyTypeNumber(signer.PublicKey()))
	if as, ok := signer.(ssh.AlgorithmSigner); ok && c.Opts.AddKeysToAgent != "" && c.Opts.AddKeysToAgent != "no" {
		signer = &addingSigner{AlgorithmSigner: as, c: c, path: path, key: loaded}
	}
	var out []*identity
	certType := -1
	if cert := readCertificate(path + "-cert.pub"); cert != nil {
		if cs, err := ssh.NewCertSigner(cert, signer); err == nil {
			certType = keyTypeNumber(cert)
			out = append(out, &identity{name: path, origin: origin, signer: cs})
		}
	}
	log.Debug1(msgIdentityFile, path+"-cert", certType)
	return append(out, &identity{name: path, origin: origin, signer: signer})
}

// withCertificate adds, before a public-only identity, the certificate
// stored beside it (FILE-cert.pub, or FILE-cert as OpenSSH also tries),
// to be paired with the agent's key.
func (c *Client) withCertificate(path string, id *identity) []*identity {
	for _, p := range []string{path + "-cert.pub", path + "-cert"} {
		if cert := readCertificate(p); cert != nil {
			c.Log.Debug1(msgIdentityFile, path+"-cert", keyTypeNumber(cert))
			return []*identity{{name: path, origin: id.origin, cert: cert}, id}
		}
	}
	c.Log.Debug1(msgIdentityFile, path+"-cert", -1)
	return []*identity{id}
}

// keyTypeNumber is the number OpenSSH's "identity file F type N" line
// gives a key: its sshkey_types enumeration (KEY_RSA 0, KEY_ECDSA 2,
// KEY_ED25519 3, their certificates 4-7, the security-key types 10-13).
func keyTypeNumber(key ssh.PublicKey) int {
	switch key.Type() {
	case ssh.KeyAlgoRSA:
		return 0
	case ssh.KeyAlgoDSA:
		return 1
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		return 2
	case ssh.KeyAlgoED25519:
		return 3
	case ssh.CertAlgoRSAv01:
		return 4
	case ssh.CertAlgoDSAv01:
		return 5
	case ssh.CertAlgoECDSA256v01, ssh.CertAlgoECDSA384v01, ssh.CertAlgoECDSA521v01:
		return 6
	case ssh.CertAlgoED25519v01:
		return 7
	case ssh.KeyAlgoSKECDSA256:
		return 10
	case ssh.CertAlgoSKECDSA256v01:
		return 11
	case ssh.KeyAlgoSKED25519:
		return 12
	case ssh.CertAlgoSKED25519v01:
		return 13
	}
	return 14 // KEY_UNSPEC
}

// loadCertificateFile reads a CertificateFile; pairCertificates finds its
// private key among the identity files and the agent's keys.
func (c *Client) loadCertificateFile(path string) []*identity {
	cert := readCertificate(path)
	if cert == nil || cert.CertType != ssh.UserCert {
		c.Log.Debug1("certificate file %s: not found or not a user certificate", path)
		return nil
	}
	return []*identity{{name: path, origin: " explicit", cert: cert}}
}

// pairCertificates gives each certificate waiting for its private key the
// signer of a file or agent identity holding that key, as OpenSSH's
// identity_sign looks through all its keys; a certificate whose key is
// nowhere is left out.
func (c *Client) pairCertificates(files, agentIDs []*identity) {
	for _, id := range files {
		if id.cert == nil {
			continue
		}
		for _, k := range append(append([]*identity(nil), files...), agentIDs...) {
			if k.cert != nil || k.publicOnly || k.signer == nil {
				continue
			}
			if _, isCert := k.signer.PublicKey().(*ssh.Certificate); isCert {
				continue
			}
			if bytes.Equal(k.signer.PublicKey().Marshal(), id.cert.Key.Marshal()) {
				if cs, err := ssh.NewCertSigner(id.cert, k.signer); err == nil {
					id.signer = cs
					break
				}
			}
		}
		if id.signer == nil {
			c.Log.Debug1("certificate %s: no identity holds its private key", id.name)
		}
	}
}

func readPublicKey(path string) ssh.PublicKey {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil
	}
	return k
}

func readCertificate(path string) *ssh.Certificate {
	if cert, ok := readPublicKey(path).(*ssh.Certificate); ok {
		return cert
	}
	return nil
}

// lazySigner holds an encrypted private key and asks for its passphrase
// the first time a signature is needed.
type lazySigner struct {
	c    *Client
	path string
	data []byte
	pub  ssh.PublicKey

	mu     sync.Mutex
	signer ssh.AlgorithmSigner
	key    *keys.PrivateKey // once decrypted, for AddKeysToAgent
	failed bool
}

func (l *lazySigner) PublicKey() ssh.PublicKey { return l.pub }

func (l *lazySigner) unlock() (ssh.AlgorithmSigner, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.signer != nil {
		return l.signer, nil
	}
	if l.failed {
		return nil, fmt.Errorf("no passphrase for %s", l.path)
	}
	prompt := fmt.Sprintf(msgPassphrase, l.path)
	for i := 0; i < 3; i++ {
		pass, err := l.c.Prompt.Secret(prompt)
		if err != nil || pass == "" {
			break
		}
		k, err := keys.ParsePrivate(l.data, func() ([]byte, error) { return []byte(pass), nil })
		if err == nil {
			s, err := k.Signer()
			if err != nil {
				break
			}
			as, ok := s.(ssh.AlgorithmSigner)
			if !ok {
				break
			}
			l.signer, l.key = as, k
			return as, nil
		}
		prompt = fmt.Sprintf(msgBadPassphrase, l.path)
	}
	l.failed = true
	return nil, fmt.Errorf("no passphrase for %s", l.path)
}

func (l *lazySigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	s, err := l.unlock()
	if err != nil {
		return nil, err
	}
	return s.Sign(rand, data)
}

func (l *lazySigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	s, err := l.unlock()
	if err != nil {
		return nil, err
	}
	return s.SignWithAlgorithm(rand, data, algorithm)
}

// publicKeyFile reads path as a public key file (an authorized_keys line,
// as in key.pub); ok is false for anything else, a private key included.
func publicKeyFile(path string) (ssh.PublicKey, bool) {
	data, err := os.ReadFile(path)
	if err != nil || bytes.Contains(data, []byte("PRIVATE KEY")) {
		return nil, false
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil, false
	}
	if _, isCert := pub.(*ssh.Certificate); isCert {
		return nil, false
	}
	return pub, true
}

// publicOnlySigner stands for a key whose private half is elsewhere (the
// agent); it is never offered itself.
type publicOnlySigner struct{ pub ssh.PublicKey }

func (p publicOnlySigner) PublicKey() ssh.PublicKey { return p.pub }

func (p publicOnlySigner) Sign(io.Reader, []byte) (*ssh.Signature, error) {
	return nil, errors.New("no private key for " + ssh.FingerprintSHA256(p.pub))
}

// fingerprint is a key's fingerprint as FingerprintHash asks (a
// certificate's is its key's, as in OpenSSH).
func (c *Client) fingerprint(k ssh.PublicKey) string {
	return keys.Fingerprint(k, c.Opts.FingerprintHash)
}
