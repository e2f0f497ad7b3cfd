package dropbear

import (
	"errors"
	"fmt"
	"io"
	"os"

	"sshbox/internal/atomicfile"
	"sshbox/internal/help"
	"sshbox/sshcore/keys"
)

// ConvertMain runs the dropbearconvert applet:
//
//	dropbearconvert openssh|dropbear openssh|dropbear INPUT OUTPUT
//
// It reads a private key in one form and writes it in the other (or the
// same), as Dropbear's dropbearconvert does, with its messages and
// status 1 for every failure.
func ConvertMain(args []string) int {
	return convertRun(args, os.Stdin, os.Stdout, os.Stderr)
}

func convertRun(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usage := fmt.Sprintf(convertUsage, args[0])
	args = args[1:]
	if help.Asked(args, true) {
		fmt.Fprint(stderr, usage)
		return 1
	}
	if len(args) != 4 {
		fmt.Fprint(stderr, msgConvertArgs+"\n"+usage)
		return 1
	}
	inType, outType, in, out := args[0], args[1], args[2], args[3]
	if !convertType(inType) {
		fmt.Fprint(stderr, msgConvertInType+"\n"+usage)
		return 1
	}
	if !convertType(outType) {
		fmt.Fprint(stderr, msgConvertOutType+"\n"+usage)
		return 1
	}
	k, err := readConvertInput(inType, in, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "Error: %s\n"+msgConvertReadFailed+"\n", describe(err), in)
		return 1
	}
	fmt.Fprintf(stderr, msgConvertKeyIs+"\n", k.PublicKey().Type())
	var b []byte
	if outType == "dropbear" {
		b, err = keys.MarshalDropbear(k.Key)
	} else {
		// Dropbear's key files carry no comment, and the OpenSSH form it
		// writes has none either; nor a passphrase.
		b, err = keys.MarshalOpenSSH(k.Key, "", nil)
	}
	if err == nil {
		err = writeConvertOutput(out, b, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "Error: %s\n"+msgConvertWriteFailed+"\n", describe(err), out)
		return 1
	}
	fmt.Fprintf(stderr, msgConvertWrote+"\n", out)
	return 0
}

func convertType(t string) bool { return t == "openssh" || t == "dropbear" }

// readConvertInput reads the key in file ("-": standard input) in the form
// its type names. "openssh" is every form ssh-keygen reads (OpenSSH's own,
// PEM, PKCS#8, and an ssh.com key from an ssh2 installation), but not a
// Dropbear key; "dropbear" only Dropbear's. An encrypted key is refused:
// Dropbear's form has no encryption and no passphrase is asked.
func readConvertInput(typ, file string, stdin io.Reader) (*keys.PrivateKey, error) {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, err
	}
	if typ == "dropbear" {
		return keys.ParseDropbear(data)
	}
	if keys.LooksDropbear(data) {
		return nil, errors.New("a Dropbear key, not an OpenSSH one (give dropbear as the input type)")
	}
	k, err := keys.ParsePrivate(data, nil)
	if errors.Is(err, keys.ErrPassphraseNeeded) {
		return nil, errors.New("the key is encrypted; remove its passphrase first (ssh-keygen -p -N '' -f FILE)")
	}
	return k, err
}

// writeConvertOutput writes the key to file: "-" is standard output, a
// device or FIFO (/dev/stdout) is written in place, and a file is replaced
// atomically, keeping an existing file's mode (a new one is 0600).
func writeConvertOutput(file string, b []byte, stdout io.Writer) error {
	if file == "-" {
		_, err := stdout.Write(b)
		return err
	}
	if st, err := os.Stat(file); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return atomicfile.WriteFile(file, b, 0o600)
}
