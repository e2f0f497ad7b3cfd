package sshadd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/sshcore/keys"
)

// addFile loads a private key (asking for its passphrase when it has one),
// adds it, then its certificate path-cert.pub when there is one (unless
// -k), as OpenSSH's ssh-add does.
func (a *app) addFile(path string) bool {
	data, ok := a.readKeyFile(path)
	if !ok {
		return false
	}
	if path == "-" {
		path = stdinName
	}
	pk, err := keys.ParsePrivate(data, nil)
	if errors.Is(err, keys.ErrPassphraseNeeded) {
		pk, err = a.decrypt(path, data)
		if pk == nil && err == nil {
			a.pass = ""
			return false // the user gave up at the prompt
		}
	}
	if err != nil {
		a.pass = ""
		fmt.Fprintf(a.stderr, msgLoadFailed, path, err)
		return false
	}
	comment := pk.Comment
	if comment == "" {
		comment = path
	}
	added := agent.AddedKey{PrivateKey: pk.Key, Comment: comment, LifetimeSecs: uint32(a.lifetime), ConfirmBeforeUse: a.confirm}
	if err := a.ag.Add(added); err != nil {
		fmt.Fprintf(a.stderr, msgAddFailed, path, agentErr(err))
		return false
	}
	if !a.quiet {
		fmt.Fprintf(a.stderr, msgAdded, path, comment)
		a.sayConstraints()
	}
	if a.keyOnly {
		return true
	}
	// For a key from stdin OpenSSH's ssh-add looks for "(stdin)-cert.pub"
	// in the working directory: that is what its name makes of it.
	a.addCert(path, pk.PublicKey(), added)
	return true
}

// stdinName is how OpenSSH's ssh-add names a key read from "-".
const stdinName = "(stdin)"

// readKeyFile reads a private key file after OpenSSH's permission check,
// or standard input for "-".
func (a *app) readKeyFile(path string) ([]byte, bool) {
	if path == "-" {
		// OpenSSH's ssh-add closes stdin once it has read the key, so a
		// second "-" reads a closed descriptor.
		err := error(syscall.EBADF)
		var data []byte
		if !a.stdinRead {
			a.stdinRead = true
			data, err = io.ReadAll(a.stdin)
		}
		if err != nil {
			fmt.Fprintf(a.stderr, msgLoadFailed, stdinName, errText(err))
			return nil, false
		}
		return data, true
	}
	if err := keys.CheckPermissions(path); err != nil {
		var pe *keys.PermissionError
		if errors.As(err, &pe) {
			// OpenSSH's error() lines, each ending in \r\n.
			fmt.Fprint(a.stderr, strings.ReplaceAll(err.Error(), "\n", "\r\n")+"\r\n")
		} else {
			fmt.Fprintf(a.stderr, msgFileError, path, errText(err))
		}
		return nil, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(a.stderr, msgFileError, path, errText(err))
		return nil, false
	}
	return data, true
}

// decrypt tries the passphrase that opened the previous key, as OpenSSH's
// ssh-add does (one passphrase often serves several keys), then asks until
// it is right; an empty answer gives up, returning neither key nor error.
func (a *app) decrypt(path string, data []byte) (*keys.PrivateKey, error) {
	if a.pass != "" {
		pk, err := parseWith(data, a.pass)
		if !errors.Is(err, keys.ErrBadPassphrase) {
			return pk, err
		}
		a.pass = ""
	}
	suffix := ""
	if a.confirm {
		suffix = msgWillConfirm
	}
	prompt := fmt.Sprintf(msgPassphrase, path, suffix)
	for {
		pass, err := a.prompt.secret(prompt)
		if err != nil || pass == "" {
			return nil, nil
		}
		pk, err := parseWith(data, pass)
		if err == nil {
			a.pass = pass
			return pk, nil
		}
		if !errors.Is(err, keys.ErrBadPassphrase) {
			return nil, err
		}
		prompt = fmt.Sprintf(msgBadPassphrase, path, suffix)
	}
}

func parseWith(data []byte, pass string) (*keys.PrivateKey, error) {
	return keys.ParsePrivate(data, func() ([]byte, error) { return []byte(pass), nil })
}

func (a *app) sayConstraints() {
	if a.lifetime != 0 {
		fmt.Fprintf(a.stderr, msgLifetime, a.lifetime)
	}
	if a.confirm {
		fmt.Fprint(a.stderr, msgConfirm)
	}
}

// addCert adds path-cert.pub with the key it certifies. Like OpenSSH's
// ssh-add it passes over a file it cannot load in silence: its loader
// reports every failure as a missing file, the normal case.
func (a *app) addCert(path string, pub ssh.PublicKey, added agent.AddedKey) {
	certPath := path + "-cert.pub"
	k, _, err := keys.LoadPublic(certPath)
	if err != nil {
		return
	}
	if !samePublic(k, pub) {
		fmt.Fprintf(a.stderr, msgCertMismatch, certPath, path)
		return
	}
	cert, ok := k.(*ssh.Certificate)
	if !ok {
		fmt.Fprint(a.stderr, msgCertNotCert)
		return
	}
	added.Certificate = cert
	if err := a.ag.Add(added); err != nil {
		fmt.Fprintf(a.stderr, msgCertAddFailed, certPath, cert.KeyId, agentErr(err))
		return
	}
	if !a.quiet {
		fmt.Fprintf(a.stderr, msgCertAdded, certPath, cert.KeyId)
		a.sayConstraints()
	}
}

// deleteFile is -d: the key named by path (found as OpenSSH's loader
// finds it), then its certificate unless -k. A certificate for another
// key is fatal, as in OpenSSH: ssh-add stops there.
func (a *app) deleteFile(path string) (ok, fatal bool) {
	if path == "-" {
		return a.deleteStdin(), false
	}
	pub, comment, err := keys.LoadPublic(path)
	if err != nil {
		// On stdout, and with the reason OpenSSH's loader gives for
		// every failure, as OpenSSH's ssh-add prints it.
		fmt.Fprintf(a.stdout, msgBadPublic, path)
		return false, false
	}
	if comment == "" {
		comment = noComment
	}
	ok = a.removeKey(path, pub, comment)
	if a.keyOnly {
		return ok, false
	}
	certPath := path + "-cert.pub"
	cert, comment, err := keys.LoadPublic(certPath)
	if err != nil {
		return ok, false
	}
	if !samePublic(cert, pub) {
		fmt.Fprintf(a.stderr, msgCertMismatch, certPath, path)
		return ok, true
	}
	if comment == "" {
		comment = noComment
	}
	if a.removeKey(certPath, cert, comment) {
		ok = true
	}
	return ok, false
}

// samePublic is OpenSSH's sshkey_equal_public: the same key, a
// certificate standing for the key it certifies.
func samePublic(a, b ssh.PublicKey) bool {
	return bytes.Equal(plainKey(a).Marshal(), plainKey(b).Marshal())
}

func plainKey(k ssh.PublicKey) ssh.PublicKey {
	if c, ok := k.(*ssh.Certificate); ok {
		return c.Key
	}
	return k
}

// deleteStdin is "-d -": every line of standard input that holds a public
// key removes it (no certificates looked for); a line that holds none is
// reported and skipped. It succeeds if any key was removed.
func (a *app) deleteStdin() bool {
	ok := false
	for n := 1; ; n++ {
		line, err := a.stdin.ReadString('\n')
		if line == "" && err != nil {
			return ok
		}
		line = strings.TrimLeft(strings.TrimSuffix(line, "\n"), " \t")
		if line == "" || line[0] == '#' {
			continue
		}
		key, comment, perr := keys.ParsePublicLine(line)
		if perr != nil {
			fmt.Fprintf(a.stderr, msgBadLine, stdinName, n, perr)
			continue
		}
		if a.removeKey(stdinName, key, comment) {
			ok = true
		}
	}
}

func (a *app) removeKey(path string, key ssh.PublicKey, comment string) bool {
	if err := a.ag.Remove(key); err != nil {
		fmt.Fprintf(a.stderr, msgRemoveFailed, path, agentErr(err))
		return false
	}
	if !a.quiet {
		fmt.Fprintf(a.stderr, msgRemoved, path, keys.TypeLabel(key), comment)
	}
	return true
}
