package keys

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/atomicfile"
)

// PermissionError is OpenSSH's refusal of a private key file that others
// can read; its text is OpenSSH's banner.
type PermissionError struct {
	Path string
	Mode os.FileMode
}

func (e *PermissionError) Error() string {
	return "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n" +
		"@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\n" +
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n" +
		fmt.Sprintf("Permissions 0%o for '%s' are too open.\n", uint32(e.Mode.Perm()), e.Path) +
		"It is required that your private key files are NOT accessible by others.\n" +
		"This private key will be ignored."
}

// CheckPermissions refuses a key file owned by the caller that group or
// others may access, as OpenSSH's sshkey_perm_ok.
func CheckPermissions(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if ownedByCaller(st) && st.Mode().Perm()&0o077 != 0 {
		return &PermissionError{Path: path, Mode: st.Mode()}
	}
	return nil
}

// LoadPrivateFile reads a private key file after the permission check,
// asking pass for a passphrase only when the key is encrypted.
func LoadPrivateFile(path string, pass PassphraseFunc) (*PrivateKey, error) {
	if err := CheckPermissions(path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParsePrivate(data, pass)
}

// LoadSigner is what the ssh client and sshd call: the permission check,
// the passphrase callback, and an ssh.Signer.
func LoadSigner(path string, pass PassphraseFunc) (ssh.Signer, error) {
	k, err := LoadPrivateFile(path, pass)
	if err != nil {
		return nil, err
	}
	return k.Signer()
}

// ParsePublic reads a public key in authorized_keys form (comment
// returned) or RFC 4716 form (its Comment header).
func ParsePublic(data []byte) (ssh.PublicKey, string, error) {
	if bytes.Contains(data, []byte(rfc4716Begin)) {
		k, h, err := ParseRFC4716(data)
		if err != nil {
			return nil, "", err
		}
		return k, h["Comment"], nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		k, c, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, "", ErrInvalidFormat
		}
		return k, c, nil
	}
	return nil, "", ErrInvalidFormat
}

func readPublicFile(path string) (ssh.PublicKey, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	return ParsePublic(data)
}

// LoadPublicFile finds the public key for path as ssh-keygen -l does: the
// file itself as a public key, then path.pub, then the public half stored
// in an (even encrypted) OpenSSH private key or an unencrypted PEM one.
// Unlike LoadPublic (OpenSSH's sshkey_load_public) a missing path is an
// error: the ssh-keygen options that use it look for path first.
func LoadPublicFile(path string) (ssh.PublicKey, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	if k, c, err := ParsePublic(data); err == nil {
		return k, c, nil
	}
	if k, c, err := readPublicFile(path + ".pub"); err == nil {
		return k, c, nil
	}
	if block, _ := pem.Decode(data); block != nil {
		if pk, err := ParsePrivate(data, nil); err == nil {
			return pk.PublicKey(), pk.Comment, nil
		}
		// Encrypted: the public key is stored in clear, the comment not.
		if k, ok := storedPublic(data); ok {
			return k, "", nil
		}
	}
	return nil, "", ErrInvalidFormat
}

// SavePrivate writes key to path in OpenSSH format, mode 0600, atomically.
func SavePrivate(path string, key *PrivateKey, passphrase []byte) error {
	return SavePrivateFormat(path, key, FormatOpenSSH, passphrase)
}

// SavePublic writes the authorized_keys line for key to path, mode 0644,
// atomically.
func SavePublic(path string, key ssh.PublicKey, comment string) error {
	return atomicfile.WriteFile(path, []byte(AuthorizedLine(key, comment)+"\n"), 0o644)
}

// AuthorizedLine is "type base64 [comment]".
func AuthorizedLine(key ssh.PublicKey, comment string) string {
	s := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))
	if comment != "" {
		s += " " + comment
	}
	return s
}

// IsNotExist reports whether err says the file is missing.
func IsNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
