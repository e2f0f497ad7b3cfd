package sshkeygen

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/user"
	"path/filepath"
	"sshbox/internal/errtext"
	"strconv"
	"strings"
	"syscall"

	"sshbox/sshcore/keys"
)

func parseBits(s string) (int, error) {
	// strtonum(s, 1, UINT32_MAX)'s verdicts, as OpenSSH words them.
	n, err := strconv.ParseInt(s, 10, 64)
	why := ""
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-"), err == nil && n < 1:
		why = "too small"
	case err != nil && errors.Is(err, strconv.ErrRange), err == nil && n > math.MaxUint32:
		why = "too large"
	case err != nil:
		why = "invalid"
	}
	if why != "" {
		return 0, fatalError(fmt.Sprintf("Bits has bad value %s (%s)", s, why))
	}
	return int(n), nil
}

// defaultComment is user@host, as OpenSSH writes in new keys.
func defaultComment() string {
	name := "root"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

func homeDir() string {
	if h := os.Getenv("HOME"); h != "" {
		return h
	}
	if u, err := user.Current(); err == nil {
		return u.HomeDir
	}
	return "/"
}

// typeOrDefault is -t as a short type name (ssh-ed25519 is ed25519),
// ed25519 without -t or when -t names nothing sshbox makes.
func (o *opts) typeOrDefault() string {
	if kt, err := keys.ParseKeyType(o.keyType); err == nil {
		return kt.Base
	}
	return "ed25519"
}

// privateFormat is -m for a key being written: PEM, PKCS8, or the
// default (RFC4716 too, which names a public key format, means it).
func (o *opts) privateFormat() (keys.Format, bool) {
	switch strings.ToUpper(o.format) {
	case "", "RFC4716", "SSH2":
		return keys.FormatOpenSSH, true
	case "PEM":
		return keys.FormatPEM, true
	case "PKCS8":
		return keys.FormatPKCS8, true
	}
	o.errorf(msgUnsupportedFormat, o.format)
	return 0, false
}

func (o *opts) generate() int {
	format, ok := o.privateFormat()
	if !ok {
		return 255
	}
	kt := keys.KeyType{Base: "ed25519"}
	if o.keyType != "" {
		var err error
		if kt, err = keys.ParseKeyType(o.keyType); err != nil {
			o.errorLines(err.Error())
			return 255
		}
	}
	keyType, bits := kt.Base, o.bits
	if bits == 0 {
		bits = kt.Bits
	}
	if err := keys.CheckBits(keyType, bits); err != nil {
		o.errorLines(err.Error())
		return 255
	}
	if !o.quiet {
		fmt.Fprintf(o.stdout, msgGenerating, keyType)
	}
	k, err := keys.Generate(keyType, bits)
	if err != nil {
		o.errorLines(err.Error())
		return 255
	}
	path := o.file
	if !o.hasFile {
		def := filepath.Join(homeDir(), ".ssh", "id_"+keyType)
		fmt.Fprintf(o.stdout, msgEnterFile, def)
		line, err := o.readLine()
		if err != nil {
			return 1
		}
		path = def
		if line != "" {
			path = line
		}
	}
	// As OpenSSH's hostfile_create_user_ssh_dir: a key file inside a
	// missing ~/.ssh creates it, whether named by -f or asked for.
	dir := filepath.Join(homeDir(), ".ssh")
	if abs, err := filepath.Abs(path); err == nil && strings.HasPrefix(abs, dir+"/") {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			if err := os.Mkdir(dir, 0o700); err == nil && !o.quiet {
				fmt.Fprintf(o.stdout, msgCreatedDir, dir)
			}
		}
	}
	if !o.confirmOverwrite(path) {
		return 1
	}
	pass, err := o.newPassphrase(msgNewPass)
	if err != nil {
		return 1
	}
	comment := o.comment
	if !o.hasComment {
		comment = defaultComment()
	}
	pk := &keys.PrivateKey{Key: k, Comment: comment}
	if err := keys.SavePrivateFormat(path, pk, format, pass); err != nil {
		// error() and exit(1) in OpenSSH, not fatal().
		o.errorf(msgSaveFailed, path, saveReason(path, err))
		return 1
	}
	if !o.quiet {
		fmt.Fprintf(o.stdout, msgSavedPriv, path)
	}
	pub := pk.PublicKey()
	if err := keys.SavePublic(path+".pub", pub, comment); err != nil {
		return o.fatalf(msgSavePubFailed, path+".pub", saveReason(path+".pub", err))
	}
	if !o.quiet {
		fmt.Fprintf(o.stdout, msgSavedPub, path)
		fmt.Fprint(o.stdout, msgFingerprintIs)
		fmt.Fprintf(o.stdout, "%s %s\n", keys.Fingerprint(pub, o.hashAlg), comment)
		fmt.Fprint(o.stdout, msgRandomartIs)
		fmt.Fprintln(o.stdout, keys.Randomart(pub, o.hashAlg))
	}
	return 0
}

// confirmOverwrite asks before replacing an existing file, reading the
// answer from stdin as OpenSSH does.
func (o *opts) confirmOverwrite(path string) bool {
	if _, err := os.Stat(path); err != nil {
		return true
	}
	fmt.Fprintf(o.stdout, msgExists, path)
	fmt.Fprint(o.stdout, msgOverwrite)
	line, err := o.readLine()
	if err != nil || line == "" {
		return false
	}
	return line[0] == 'y' || line[0] == 'Y'
}

// generateHostKeys is -A: every missing default host key under the -f
// prefix, without passphrase.
func (o *opts) generateHostKeys() int {
	prefix := ""
	if o.hasFile {
		prefix = o.file
	}
	announced := false
	for _, t := range []string{"rsa", "ecdsa", "ed25519"} {
		path := filepath.Join(prefix, "/etc/ssh", "ssh_host_"+t+"_key")
		_, errPriv := os.Stat(path)
		_, errPub := os.Stat(path + ".pub")
		if errPriv == nil && errPub == nil {
			continue
		}
		if !announced {
			fmt.Fprint(o.stdout, msgHostKeysGen)
			announced = true
		}
		fmt.Fprintf(o.stdout, "%s ", strings.ToUpper(t))
		k, err := keys.Generate(t, 0)
		if err != nil {
			fmt.Fprintf(o.stderr, "\n%v\n", err)
			return 1
		}
		pk := &keys.PrivateKey{Key: k, Comment: defaultComment()}
		if err := keys.SavePrivate(path, pk, nil); err != nil {
			o.errorf(msgSaveFailed, path, errtext.Reason(err))
			return 1
		}
		if err := keys.SavePublic(path+".pub", pk.PublicKey(), pk.Comment); err != nil {
			o.errorf(msgSaveFailed, path+".pub", errtext.Reason(err))
			return 1
		}
	}
	if announced {
		fmt.Fprintln(o.stdout)
	}
	return 0
}

// saveReason is why writing path failed, in strerror's words: a directory
// in the way is "Is a directory", as OpenSSH's open() finds it.
func saveReason(path string, err error) string {
	if st, serr := os.Stat(path); serr == nil && st.IsDir() {
		return errtext.Reason(syscall.EISDIR)
	}
	return errtext.Reason(err)
}
