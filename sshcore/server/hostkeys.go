package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sshbox/internal/errtext"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/keys"
)

// DefaultHostKeyFiles are OpenSSH's default HostKey files.
var DefaultHostKeyFiles = []string{
	"/etc/ssh/ssh_host_rsa_key",
	"/etc/ssh/ssh_host_ecdsa_key",
	"/etc/ssh/ssh_host_ed25519_key",
}

// StateDir is where an unprivileged sshd keeps host keys it generated:
// $XDG_STATE_HOME/sshbox, or ~/.local/state/sshbox.
func StateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "sshbox"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state", "sshbox"), nil
}

// LoadHostKey reads one private host key, refusing a file others may read
// as OpenSSH does.
func LoadHostKey(path string) (ssh.Signer, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 && os.Geteuid() == 0 {
		return nil, fmt.Errorf("permissions %04o for '%s' are too open", st.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return nil, errors.New("passphrase-protected host keys are not supported")
	case err != nil && keys.LooksDropbear(data):
		// /etc/dropbear/dropbear_*_host_key: served as it is, so that a
		// host that used to run Dropbear keeps its identity.
		k, derr := keys.ParseDropbear(data)
		if derr != nil {
			return nil, derr
		}
		return k.Signer()
	case err != nil && keys.IsSSHComPrivate(data):
		// An ssh2 installation's hostkey (OpenVMS's, SSH Communications'):
		// served as it is, so that the host keeps its identity. RSA only,
		// unencrypted, as ssh-keygen -i reads it.
		k, serr := keys.ParsePrivate(data, nil)
		if serr != nil {
			return nil, serr
		}
		return k.Signer()
	case err != nil:
		return nil, keys.ErrInvalidFormat
	}
	return s, nil
}

// GenerateHostKey writes a new ed25519 host key to path (0600, written
// atomically) and its public half to path.pub, and returns the signer.
func GenerateHostKey(path string) (ssh.Signer, error) {
	k, err := keys.Generate("ed25519", 0)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	priv := &keys.PrivateKey{Key: k, Comment: "root@" + host}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := keys.SavePrivate(path, priv, nil); err != nil {
		return nil, err
	}
	if err := keys.SavePublic(path+".pub", priv.PublicKey(), priv.Comment); err != nil {
		return nil, err
	}
	return priv.Signer()
}

// HostKeys loads the configured host keys. When none is configured the
// defaults are used, and a missing ed25519 key is generated: in /etc/ssh
// when sshd may write there, otherwise (an unprivileged sshd) in StateDir.
// Keys that cannot be loaded, and RSA keys shorter than minRSA bits
// (RequiredRSASize), are reported through logf and skipped, as OpenSSH
// does; no key at all is an error.
func HostKeys(configured []string, minRSA int, logf func(format string, args ...any)) ([]ssh.Signer, error) {
	if isDefaultHostKeys(configured) {
		configured = nil
	}
	var keys []ssh.Signer
	load := func(p string) bool {
		k, err := LoadHostKey(p)
		if err != nil {
			if !os.IsNotExist(err) || len(configured) > 0 {
				logf(msgHostKeyLoad, p, errtext.Reason(err))
			}
			return false
		}
		if !hostKeySizeOK(p, k.PublicKey(), minRSA, logf) {
			return false
		}
		keys = append(keys, k)
		return true
	}
	if len(configured) > 0 {
		for _, p := range configured {
			load(p)
		}
	} else {
		haveEd := false
		for _, p := range DefaultHostKeyFiles {
			if load(p) && filepath.Base(p) == "ssh_host_ed25519_key" {
				haveEd = true
			}
		}
		if !haveEd {
			if k := generateDefault(logf); k != nil {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s", msgNoHostKeys)
	}
	return keys, nil
}

// isDefaultHostKeys reports whether the list is OpenSSH's default list, as
// the configuration fills it in when no HostKey line is given.
func isDefaultHostKeys(list []string) bool {
	if len(list) != len(DefaultHostKeyFiles) {
		return false
	}
	for i := range list {
		if list[i] != DefaultHostKeyFiles[i] {
			return false
		}
	}
	return true
}

// generatedHostKey is where a root sshd generates the missing ed25519 key.
var generatedHostKey = "/etc/ssh/ssh_host_ed25519_key"

// generateDefault loads or generates the ed25519 key of a configuration
// without HostKey lines: in /etc/ssh when sshd runs as root, else (or when
// that fails) in StateDir. Every failure is logged with its path and
// reason, so that an administrator learns why /etc/ssh was not used; nil
// when there is no key.
func generateDefault(logf func(string, ...any)) ssh.Signer {
	if os.Geteuid() == 0 {
		// A key that is there but did not load has been logged already.
		p := generatedHostKey
		if _, err := os.Stat(p); os.IsNotExist(err) {
			logf(msgHostKeyGen, "ED25519", p)
			k, err := GenerateHostKey(p)
			if err == nil {
				return k
			}
			logf(msgHostKeyGenFailed, p, errtext.Reason(err))
		}
	}
	dir, err := StateDir()
	if err != nil {
		logf(msgHostKeyGenFailed, "(state directory)", errtext.Reason(err))
		return nil
	}
	p := filepath.Join(dir, "ssh_host_ed25519_key")
	k, err := LoadHostKey(p)
	if err == nil {
		return k
	}
	if !os.IsNotExist(err) {
		// A key that is there but unusable is reported, not replaced:
		// regenerating would change the host's identity in silence.
		logf(msgHostKeyLoad, p, errtext.Reason(err))
		return nil
	}
	logf(msgHostKeyGen, "ED25519", p)
	if k, err = GenerateHostKey(p); err != nil {
		logf(msgHostKeyGenFailed, p, errtext.Reason(err))
		return nil
	}
	return k
}

// hostKeySizeOK applies RequiredRSASize to the host key at path, saying
// so through logf when the key is too short.
func hostKeySizeOK(path string, pub ssh.PublicKey, minRSA int, logf func(format string, args ...any)) bool {
	if keys.RSATooShort(pub, minRSA) {
		logf(msgHostKeyTooShort, path)
		return false
	}
	return true
}
