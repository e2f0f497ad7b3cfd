package keys

import (
	"bufio"
	"encoding/pem"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
)

// LoadPublic finds a public key as OpenSSH's sshkey_load_public does, for
// the callers of that function (ssh-add -d, -T and the certificates it
// looks for): path as a public key file, then path.pub (even when path
// itself is missing), then the public half stored in path's private key.
// A public key file's key without a comment is named by that file
// (path.pub when found there); a key from a private key file has no
// comment (""). Every failure is os.ErrNotExist: OpenSSH's loader
// pretends it found nothing, whatever went wrong.
func LoadPublic(path string) (ssh.PublicKey, string, error) {
	for _, p := range []string{path, path + ".pub"} {
		if k, c, ok := loadPublicLines(p); ok {
			return k, c, nil
		}
	}
	if data, err := os.ReadFile(path); err == nil {
		if k, ok := storedPublic(data); ok {
			return k, "", nil
		}
	}
	return nil, "", os.ErrNotExist
}

// loadPublicLines is sshkey_try_load_public: the first line of the file
// that reads as a key, passing over blank lines, comments and lines that
// do not, and stopping where a private key begins.
func loadPublicLines(path string) (ssh.PublicKey, string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		if strings.HasPrefix(line, "-----BEGIN") || line == "SSH PRIVATE KEY FILE" {
			return nil, "", false
		}
		k, comment, err := ParsePublicLine(line)
		if err != nil {
			continue
		}
		if comment, _, _ = strings.Cut(comment, "\r"); comment == "" {
			comment = path
		}
		return k, comment, true
	}
	return nil, "", false
}

// storedPublic is the public half of a private key file: stored in clear
// in an OpenSSH key (even an encrypted one), derived from an unencrypted
// PEM one.
func storedPublic(data []byte) (ssh.PublicKey, bool) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, false
	}
	if pk, err := ParsePrivate(data, nil); err == nil {
		return pk.PublicKey(), true
	}
	if block.Type == "OPENSSH PRIVATE KEY" {
		if k, err := opensshPublic(block.Bytes); err == nil {
			return k, true
		}
	}
	return nil, false
}
