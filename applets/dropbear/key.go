package dropbear

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"

	"sshbox/internal/help"
	"sshbox/sshcore"
	"sshbox/sshcore/keys"
)

const keySpec = "t:f:s:C:yV"

// KeyMain runs the dropbearkey applet: -t -f [-s] makes a key in
// Dropbear's format, -y -f prints a key's public half and fingerprint.
func KeyMain(args []string) int {
	return keyRun(args[1:], os.Stdout, os.Stderr)
}

func keyRun(args []string, stdout, stderr io.Writer) int {
	if help.Asked(args, true) {
		help.Print(stderr, keyUsage)
		return 1
	}
	opts, _, err := getopt(args, keySpec, false)
	if err != nil {
		fmt.Fprintf(stderr, "%v\n%s", err, keyUsage)
		return 1
	}
	var typ, file, comment string
	bits, printOnly := 0, false
	for _, o := range opts {
		switch o.name {
		case 't':
			typ = o.value
		case 'f':
			file = o.value
		case 's':
			n, err := strconv.Atoi(o.value)
			if err != nil || n <= 0 {
				fmt.Fprintf(stderr, msgBadNumber+"\n", "dropbearkey", "key size", o.value)
				return 1
			}
			bits = n
		case 'C':
			comment = o.value
		case 'y':
			printOnly = true
		case 'V':
			fmt.Fprintln(stderr, sshcore.VersionLine())
			return 0
		}
	}
	if file == "" {
		fmt.Fprintf(stderr, "%s\n%s", msgNoKeyFile, keyUsage)
		return 1
	}
	if comment == "" {
		comment = defaultComment()
	}
	if printOnly {
		k, err := keys.LoadDropbearFile(file)
		if err != nil {
			fmt.Fprintf(stderr, msgReadFailed+"\n", file, describe(err))
			return 1
		}
		printPublic(stdout, k, comment)
		return 0
	}
	switch typ {
	case "ed25519", "ecdsa", "rsa":
	case "":
		fmt.Fprintf(stderr, "Must specify a key type\n%s", keyUsage)
		return 1
	default:
		fmt.Fprintf(stderr, msgUnknownType+"\n%s", typ, keyUsage)
		return 1
	}
	if err := keys.CheckBits(typ, bits); err != nil {
		fmt.Fprintf(stderr, msgBadBits+"\n", bits, err)
		return 1
	}
	if bits == 0 {
		bits = keys.DefaultBits(typ)
	}
	fmt.Fprintf(stderr, msgGenerating+"\n", bits, typ)
	if _, err := os.Lstat(file); err == nil {
		// Dropbear never overwrites a key.
		fmt.Fprintln(stderr, fmt.Sprintf(msgKeyExists, file))
		return 1
	}
	k, err := keys.Generate(typ, bits)
	if err != nil {
		fmt.Fprintf(stderr, msgBadBits+"\n", bits, err)
		return 1
	}
	if err := keys.SaveDropbear(file, k); err != nil {
		fmt.Fprintf(stderr, "Couldn't create new file %s: %s\n", file, describe(err))
		return 1
	}
	printPublic(stdout, &keys.PrivateKey{Key: k}, comment)
	return 0
}

func printPublic(w io.Writer, k *keys.PrivateKey, comment string) {
	fmt.Fprintln(w, msgPublicPortion)
	fmt.Fprintln(w, keys.AuthorizedLine(k.PublicKey(), comment))
	fmt.Fprintf(w, msgFingerprint+"\n", keys.Fingerprint(k.PublicKey(), "sha256"))
}

// defaultComment is Dropbear's: user@host.
func defaultComment() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// describe gives the reason of a file error without Go's "open path:"
// prefix, as the message names the file already.
func describe(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var de *keys.DropbearError
	if errors.As(err, &de) {
		return de.Error()
	}
	var perm *keys.PermissionError
	if errors.As(err, &perm) {
		return fmt.Sprintf("permissions %04o are too open", uint32(perm.Mode.Perm()))
	}
	if errors.Is(err, os.ErrNotExist) {
		return "No such file or directory"
	}
	if errors.Is(err, os.ErrPermission) {
		return "Permission denied"
	}
	return err.Error()
}
