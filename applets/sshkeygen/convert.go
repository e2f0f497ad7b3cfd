package sshkeygen

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sshbox/internal/derkey"
	"sshbox/internal/errtext"
	"strings"
	"syscall"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/keys"
	"sshbox/sshcore/knownhosts"
)

// keyFile is -f, or asked for on stdin with ~/.ssh/id_<type> as default.
func (o *opts) keyFile(question string) (string, bool) {
	if o.hasFile {
		return o.file, true
	}
	def := filepath.Join(homeDir(), ".ssh", "id_"+o.typeOrDefault())
	fmt.Fprintf(o.stdout, "%s (%s): ", question, def)
	line, err := o.readLine()
	if err != nil {
		return "", false
	}
	if line == "" {
		return def, true
	}
	return line, true
}

// loadPrivate loads a private key, printing OpenSSH's messages on failure.
// failFmt words the failure ("Load key \"%s\": %v" or "Failed to load key
// %s: %v"). It returns the passphrase that opened the key.
func (o *opts) loadPrivate(path, prompt, failFmt string) (*keys.PrivateKey, []byte, bool) {
	var used []byte
	ask := o.oldPassphrase(prompt)
	k, err := keys.LoadPrivateFile(path, func() ([]byte, error) {
		p, err := ask()
		used = p
		return p, err
	})
	var perm *keys.PermissionError
	switch {
	case err == nil:
		return k, used, true
	case errors.As(err, &perm):
		o.errorLines(perm.Error())
		o.errorf(failFmt, path, msgBadPerms)
	case errors.Is(err, keys.ErrInvalidFormat):
		o.errorf(failFmt, path, formatReason(path))
	default:
		o.errorf(failFmt, path, errtext.Reason(err))
	}
	return nil, nil, false
}

// formatReason is why OpenSSH could not read path as a private key:
// having failed its own format it hands the file to OpenSSL, which
// reports "invalid format" for a PEM private key block it cannot decode
// and fails in its own way ("error in libcrypto") when there is none.
func formatReason(path string) string {
	data, _ := os.ReadFile(path)
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		switch line {
		case "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN DSA PRIVATE KEY-----",
			"-----BEGIN PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----":
			return "invalid format"
		}
	}
	return "error in libcrypto"
}

// statKey is the stat() OpenSSH's ssh-keygen makes of -f before most
// operations, with its fatal line when the file is not there: prefix is
// "ssh-keygen: " where OpenSSH's names itself.
func (o *opts) statKey(path, prefix string) bool {
	if _, err := os.Stat(path); err != nil {
		o.errorf("%s%s: %s", prefix, path, errtext.Reason(err))
		return false
	}
	return true
}

// fingerprint is -l: one line per key in the file (a private key, a public
// key, authorized_keys or known_hosts), randomart under -v.
func (o *opts) fingerprint() int {
	if !keys.ValidHash(o.hashAlg) {
		o.errorf(msgBadHash, o.hashAlg)
		return 255
	}
	path, ok := o.keyFile("Enter file in which the key is")
	if !ok {
		return 1
	}
	f, err := os.Open(path)
	if err != nil {
		return o.fatalf("ssh-keygen: %s: %s", path, errtext.Reason(err))
	}
	// A file that opens but does not read (a directory) holds no key.
	data, _ := io.ReadAll(f)
	f.Close()
	type found struct {
		key     ssh.PublicKey
		comment string
	}
	var list []found
	first, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	if keys.LooksDropbear(data) {
		// Dropbear's key files carry no comment and have no .pub beside.
		if k, err := keys.ParseDropbear(data); err == nil {
			list = append(list, found{k.PublicKey(), "no comment"})
		}
	} else if strings.Contains(first, "PRIVATE KEY") || strings.Contains(first, "---- BEGIN SSH2") {
		k, c, err := keys.LoadPublicFile(path)
		if pk, pc, perr := keys.ParsePublic(readOrEmpty(path + ".pub")); perr == nil {
			// OpenSSH takes the .pub's comment, or the .pub's name.
			k, c, err = pk, pc, nil
			if c == "" {
				c = path + ".pub"
			}
		}
		if err == nil {
			list = append(list, found{k, c})
		} else if strings.Contains(first, "PRIVATE KEY") {
			// OpenSSH's fingerprint_private gives up in its own words.
			return o.fatalf(msgNotKeyFile, path)
		}
	} else {
		for _, line := range strings.Split(string(data), "\n") {
			if k, c, ok := keyFromLine(strings.TrimSpace(line)); ok {
				if c == "" {
					c = "no comment"
				}
				list = append(list, found{k, c})
			}
		}
	}
	if len(list) == 0 {
		o.errorf(msgNotPublic, path)
		return 255
	}
	for _, f := range list {
		if o.bubble {
			fmt.Fprintln(o.stdout, keys.BubblebabbleLine(f.key, f.comment))
		} else {
			fmt.Fprintln(o.stdout, keys.FingerprintLine(f.key, o.hashAlg, f.comment))
		}
		if o.verbose > 0 {
			fmt.Fprintln(o.stdout, keys.Randomart(f.key, o.hashAlg))
		}
	}
	return 0
}

// showPublic is -y: the public key line of a private key.
func (o *opts) showPublic() int {
	path, ok := o.keyFile("Enter file in which the key is")
	if !ok || !o.statKey(path, "") {
		return boolStatus(ok)
	}
	k, _, ok := o.loadPrivate(path, msgPass, msgLoadKey)
	if !ok {
		return 255
	}
	fmt.Fprintln(o.stdout, keys.AuthorizedLine(k.PublicKey(), k.Comment))
	return 0
}

func (o *opts) formatOrDefault() (string, bool) {
	switch f := strings.ToUpper(o.format); f {
	case "", "RFC4716", "SSH2":
		return "RFC4716", true
	case "PKCS8", "PEM", "DROPBEAR":
		return f, true
	}
	o.errorf(msgUnsupportedFormat, o.format)
	return "", false
}

// exportKey is -e: the public key in RFC 4716, PKCS8 or PEM form, or
// with -m dropbear the private key in Dropbear's form.
func (o *opts) exportKey() int {
	format, ok := o.formatOrDefault()
	if !ok {
		return 255
	}
	path, ok := o.keyFile("Enter file in which the key is")
	if !ok || !o.statKey(path, "ssh-keygen: ") {
		return boolStatus(ok)
	}
	if format == "DROPBEAR" {
		return o.exportDropbear(path)
	}
	k, _, err := keys.LoadPublicFile(path)
	if err != nil && !keys.IsNotExist(err) {
		// An encrypted PEM key has no public half outside; load it.
		pk, _, ok := o.loadPrivate(path, msgPass, msgLoadKey)
		if !ok {
			return 255
		}
		k, err = pk.PublicKey(), nil
	}
	if err != nil {
		return o.fatalf("ssh-keygen: "+msgNoFile, path)
	}
	switch format {
	case "RFC4716":
		o.stdout.Write(keys.MarshalRFC4716(k, keys.ConvertedComment(k, defaultComment())))
	default:
		out, err := keys.MarshalPublicPEM(k, format)
		if err != nil {
			return o.fatalf("do_convert_to_%s: %v", strings.ToLower(format), err)
		}
		o.stdout.Write(out)
	}
	return 0
}

// importPublic is -i: an RFC 4716, PKCS8 or PEM public key printed in
// OpenSSH's form.
func (o *opts) importPublic() int {
	format, ok := o.formatOrDefault()
	if !ok {
		return 255
	}
	path, ok := o.keyFile("Enter file in which the key is")
	if !ok || !o.statKey(path, "ssh-keygen: ") {
		return boolStatus(ok)
	}
	if format == "DROPBEAR" {
		return o.importDropbear(path)
	}
	// A file that opens but does not read (a directory) is empty.
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, syscall.EISDIR) {
		return o.fatalf("ssh-keygen: %s: %s", path, errtext.Reason(err))
	}
	if format == "RFC4716" && keys.IsSSHComPrivate(data) {
		// An ssh2 installation's private key: printed as PEM, as OpenSSH.
		rk, _, err := keys.ParseSSHComPrivate(data)
		if err != nil {
			o.errorf(msgConvertFailed, path, err)
			return 255
		}
		pem.Encode(o.stdout, &pem.Block{Type: "RSA PRIVATE KEY", Bytes: derkey.MarshalPKCS1PrivateKey(rk)})
		return 0
	}
	var k ssh.PublicKey
	if format == "RFC4716" {
		if k, _, err = keys.ParseRFC4716(data); err != nil {
			return o.fatalf("do_convert_from_ssh2: %s: invalid format", rfc4716Stage(data))
		}
	} else if k, err = keys.ParsePEMPublic(data); err != nil {
		if format == "PKCS8" {
			return o.fatalf("do_convert_from_pkcs8: %s is not a recognised public key format", path)
		}
		return o.fatalf("do_convert_from_pem: unrecognised raw private key format")
	}
	fmt.Fprintln(o.stdout, keys.AuthorizedLine(k, ""))
	return 0
}

// exportDropbear is -e -m dropbear: a private key (any form sshbox reads)
// written to stdout in Dropbear's binary form, as dropbearconvert does.
// Dropbear keys are never encrypted, so neither is the output.
func (o *opts) exportDropbear(path string) int {
	k, _, ok := o.loadPrivate(path, msgPass, msgLoadKey)
	if !ok {
		return 255
	}
	b, err := keys.MarshalDropbear(k.Key)
	if err != nil {
		o.errorf(msgConvertFailed, path, err)
		return 255
	}
	o.stdout.Write(b)
	return 0
}

// importDropbear is -i -m dropbear: a Dropbear private key printed in
// OpenSSH's private key form (unencrypted, as Dropbear's was; -N adds a
// passphrase).
func (o *opts) importDropbear(path string) int {
	k, err := keys.LoadDropbearFile(path)
	var perm *keys.PermissionError
	switch {
	case errors.As(err, &perm):
		o.errorLines(perm.Error())
		o.errorf(msgLoadKey, path, msgBadPerms)
		return 255
	case keys.IsNotExist(err):
		o.errorf(msgNoFile, path)
		return 255
	case err != nil:
		return o.fatalf("%v", err)
	}
	b, err := keys.MarshalOpenSSH(k.Key, o.comment, []byte(o.newPass))
	if err != nil {
		o.errorf(msgConvertFailed, path, err)
		return 255
	}
	o.stdout.Write(b)
	return 0
}

// changePassphrase is -p: re-encrypt with -N (or the asked) passphrase.
func (o *opts) changePassphrase() int {
	path, ok := o.keyFile("Enter file in which the key is")
	if !ok || !o.statKey(path, "") {
		return boolStatus(ok)
	}
	k, _, ok := o.loadPrivate(path, msgOldPass, msgLoadFailed)
	if !ok {
		return 255
	}
	fmt.Fprintf(o.stdout, msgKeyComment, k.Comment)
	pass, err := o.newPassphrase(msgNewPassP)
	if err != nil {
		return 1
	}
	if err := keys.SavePrivate(path, k, pass); err != nil {
		o.errorf(msgSaveFailed, path, errtext.Reason(err))
		return 255
	}
	fmt.Fprint(o.stdout, msgSavedNewPass)
	return 0
}

// changeKeyComment is -c: the new comment goes into the private key (same
// passphrase) and its .pub.
func (o *opts) changeKeyComment() int {
	path, ok := o.keyFile("Enter file in which the key is")
	if !ok || !o.statKey(path, "") {
		return boolStatus(ok)
	}
	k, pass, ok := o.loadPrivate(path, msgPass, msgCannotLoadPrivate)
	if !ok {
		return 255
	}
	if k.Comment == "" {
		fmt.Fprint(o.stdout, msgNoComment)
	} else {
		fmt.Fprintf(o.stdout, msgOldComment, k.Comment)
	}
	comment := o.comment
	if !o.hasComment {
		fmt.Fprint(o.stdout, msgNewComment)
		line, err := o.readLine()
		if err != nil {
			return 1
		}
		comment = line
	}
	k.Comment = comment
	if err := keys.SavePrivate(path, k, pass); err != nil {
		o.errorf(msgSaveFailed, path, errtext.Reason(err))
		return 255
	}
	if err := keys.SavePublic(path+".pub", k.PublicKey(), comment); err != nil {
		o.errorf(msgSaveFailed, path+".pub", errtext.Reason(err))
		return 255
	}
	fmt.Fprintf(o.stdout, msgCommentApplied, comment)
	return 0
}

// keyFromLine reads one line of a public key, authorized_keys or
// known_hosts file as ssh-keygen -l does: a bare key, else a key after a
// host list (the hosts stand in for a missing comment), else a key after
// authorized_keys options. Marker lines are skipped, as OpenSSH skips them.
func keyFromLine(line string) (ssh.PublicKey, string, bool) {
	if line == "" || line[0] == '#' || line[0] == '@' {
		return nil, "", false
	}
	if k, c, ok := bareKey(line); ok {
		return k, c, true
	}
	if e, err := knownhosts.ParseLine(line); err == nil && e != nil {
		c := e.Comment
		if c == "" {
			c = e.Hosts
		}
		return e.Key, c, true
	}
	if k, c, opts, _, err := ssh.ParseAuthorizedKey([]byte(line)); err == nil {
		if c == "" {
			c = strings.Join(opts, ",")
		}
		return k, c, true
	}
	return nil, "", false
}

func readOrEmpty(path string) []byte {
	b, _ := os.ReadFile(path)
	return b
}

// boolStatus is the status of an operation stopped before its work: 1
// when no file name could be read, 255 when the file was not there.
func boolStatus(named bool) int {
	if !named {
		return 1
	}
	return 255
}

// rfc4716Stage names where OpenSSH's do_convert_from_ssh2 fails on a file
// sshbox could not read as RFC 4716: decoding the base64 of the lines
// that are neither "----" markers nor headers, or parsing the key it gives.
func rfc4716Stage(data []byte) string {
	var b strings.Builder
	continued := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		wasContinued := continued
		continued = strings.HasSuffix(line, "\\")
		if wasContinued || strings.HasPrefix(line, "----") || strings.Contains(line, ":") {
			continue
		}
		b.WriteString(line)
	}
	if _, err := base64.StdEncoding.DecodeString(b.String()); err != nil {
		return "base64 decode"
	}
	return "parse key"
}

// bareKey reads a line that is a key as OpenSSH's sshkey_read reads one:
// "type base64 [comment]", nothing before.
func bareKey(line string) (ssh.PublicKey, string, bool) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return nil, "", false
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return nil, "", false
	}
	k, err := ssh.ParsePublicKey(blob)
	if err != nil || k.Type() != f[0] {
		return nil, "", false
	}
	_, c, _ := strings.Cut(line, f[1])
	return k, strings.TrimSpace(c), true
}
