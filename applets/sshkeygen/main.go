// Package sshkeygen is the ssh-keygen applet: it parses the command line
// with OpenSSH's flags and calls into sshcore/keys and sshcore/knownhosts.
package sshkeygen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"sshbox/internal/getopt"
	"sshbox/internal/help"
	"sshbox/sshcore/keys"
)

// optstring is the part of OpenSSH ssh-keygen's getopt string that
// sshbox implements: letters followed by ':' take a value.
const optstring = "ABHLQUceghiklpquyb:C:D:E:F:f:I:M:m:N:n:O:P:R:r:s:t:V:vY:z:"

// opts is the parsed command line.
type opts struct {
	genHostKeys, hash, printCert, changeComment, export, find bool
	hostCert, importKey, list, changePass, quiet, remove      bool
	sign, printPublic, bubble                                 bool
	useAgent                                                  bool
	sigOp                                                     string
	moduli                                                    string // -M generate|screen
	sshfp, generic                                            bool   // -r, -g
	genKRL, checkKRL, update                                  bool   // -k, -Q, -u
	sshfpHost                                                 string
	verbose                                                   int
	host                                                      string
	caKey                                                     string
	bits                                                      int
	comment, hashAlg, file, keyID, format, newPass            string
	principals, oldPass, keyType, validity                    string
	serial                                                    uint64 // -z
	hasSerial                                                 bool
	hasComment, hasNewPass, hasOldPass, hasFile               bool
	options                                                   []string
	args                                                      []string

	stdin          io.Reader
	lineReader     *bufio.Reader
	stdout, stderr io.Writer
}

// Main runs the ssh-keygen applet with args[0] the applet name; it returns
// the exit status.
func Main(args []string) int {
	return run(args, os.Stdin, os.Stdout, os.Stderr)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if help.Asked(args[1:], false) {
		help.Print(stderr, usageText)
		return 1
	}
	o := &opts{stdin: stdin, stdout: stdout, stderr: stderr}
	if err := o.parse(args[1:]); err != nil {
		var fatal fatalError
		switch {
		case errors.As(err, new(*getopt.Error)):
			// getopt's complaint is a log line; the usage is printed.
			fmt.Fprintf(stderr, "%v\r\n%s", err, usageText)
		case errors.As(err, &fatal):
			return o.fatalf("%s", string(fatal))
		default:
			fmt.Fprintf(stderr, "%v\n", err)
		}
		return 1
	}
	return o.dispatch()
}

// fatalError is a command line OpenSSH's ssh-keygen dies of with fatal()
// while reading it (status 255), as opposed to a usage error (status 1).
type fatalError string

func (e fatalError) Error() string { return string(e) }

// parse reads the command line (without the program name) into o. As
// OpenSSH's getopt loop, it acts on each option as it comes, so a fatal
// value (-b, -E, -M, -V, -z) stops it before a later unknown option.
func (o *opts) parse(args []string) error {
	list, rest, usageErr := getopt.Parse(optstring, args)
	if err := o.take(list); err != nil {
		return err
	}
	if usageErr != nil {
		return usageErr
	}
	o.args = rest
	if o.hashAlg == "" {
		o.hashAlg = "sha256"
	}
	return nil
}

// take acts on the options getopt read, in their order.
func (o *opts) take(list []getopt.Option) error {
	findHost, removeHost := "", ""
	for _, opt := range list {
		v := opt.Arg
		switch opt.Name {
		case "A":
			o.genHostKeys = true
		case "H":
			o.hash = true
		case "B":
			o.bubble = true
		case "L":
			o.printCert = true
		case "c":
			o.changeComment = true
		case "e":
			o.export = true
		case "h":
			o.hostCert = true
		case "i":
			o.importKey = true
		case "l":
			o.list = true
		case "p":
			o.changePass = true
		case "q":
			o.quiet = true
		case "y":
			o.printPublic = true
		case "g":
			o.generic = true
		case "k":
			o.genKRL = true
		case "Q":
			o.checkKRL = true
		case "u":
			o.update = true
		case "r":
			o.sshfp, o.sshfpHost = true, v
		case "v":
			o.verbose++
		case "b":
			n, err := parseBits(v)
			if err != nil {
				return err
			}
			o.bits = n
		case "D":
			// PKCS#11 needs a C library loaded into the process, which a
			// static Go binary cannot do.
			return fmt.Errorf(msgNoPKCS11)
		case "C":
			o.comment, o.hasComment = v, true
		case "E":
			if !keys.ValidHash(v) {
				return fatalError(fmt.Sprintf(msgBadHash, v))
			}
			o.hashAlg = v
		case "F":
			o.find, findHost = true, v
		case "R":
			o.remove, removeHost = true, v
		case "f":
			o.file, o.hasFile = v, true
		case "I":
			o.keyID = v
		case "M":
			if v != "generate" && v != "screen" {
				return fatalError(fmt.Sprintf(msgModuliUnsupported, v))
			}
			o.moduli = v
		case "m":
			o.format = v
		case "N":
			o.newPass, o.hasNewPass = v, true
		case "n":
			o.principals = v
		case "O":
			o.options = append(o.options, v)
		case "P":
			o.oldPass, o.hasOldPass = v, true
		case "s":
			o.sign, o.caKey = true, v
		case "t":
			o.keyType = v
		case "V":
			if _, _, err := keys.ParseValidity(v, time.Now()); err != nil {
				return fatalError(err.Error())
			}
			o.validity = v
		case "z":
			n, ok := parseSerial(v)
			if !ok {
				return fatalError(fmt.Sprintf(msgBadSerial, v))
			}
			o.serial, o.hasSerial = n, true
		case "U":
			o.useAgent = true
		case "Y":
			o.sigOp = v
		}
	}
	o.host = findHost
	if o.remove {
		o.host = removeHost
	}
	return nil
}

// parseSerial reads -z (a certificate's serial, a KRL's version) as
// OpenSSH does: decimal digits after an optional '+', within 64 bits.
func parseSerial(s string) (uint64, bool) {
	digits := strings.TrimPrefix(s, "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil
}

func (o *opts) dispatch() int {
	// Modes in the order OpenSSH's main() tests them.
	switch {
	case o.sigOp != "":
		return o.signatures()
	case o.moduli != "":
		return o.moduliMode()
	case o.genKRL:
		return o.generateKRL()
	case o.checkKRL:
		return o.testKRL()
	case o.find || o.remove || (o.hash && !o.sign):
		return o.knownHosts()
	case o.printCert:
		return o.showCert()
	case o.sshfp:
		return o.printSSHFP()
	case o.sign:
		return o.signCerts()
	case o.list || o.bubble:
		return o.fingerprint()
	case o.changePass:
		return o.changePassphrase()
	case o.changeComment:
		return o.changeKeyComment()
	case o.export:
		return o.exportKey()
	case o.importKey:
		return o.importPublic()
	case o.printPublic:
		return o.showPublic()
	case o.genHostKeys:
		return o.generateHostKeys()
	}
	if len(o.args) > 0 {
		fmt.Fprint(o.stderr, usageText)
		return 1
	}
	return o.generate()
}
