// Package sshkeygen is the ssh-keygen applet: it parses the command line
// with OpenSSH's flags and calls into sshcore/keys and sshcore/knownhosts.
package sshkeygen

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sshbox/internal/help"
	"strings"

	"github.com/urfave/cli/v2"
)

// hostCertFlag is -h's name for urfave/cli, which keeps "h" for help.
const hostCertFlag = "host-certificate"

// optstring is OpenSSH ssh-keygen's getopt string: letters followed by ':'
// take a value. It drives the expansion of combined short flags (-lvf x)
// before urfave/cli sees the command line.
const optstring = "ABHLUcehiklpqyb:C:E:F:f:I:m:N:n:O:P:R:s:t:V:vY:z:"

// opts is the parsed command line.
type opts struct {
	genHostKeys, hash, printCert, changeComment, export, find bool
	hostCert, importKey, list, changePass, quiet, remove      bool
	sign, printPublic                                         bool
	useAgent                                                  bool
	sigOp                                                     string
	verbose                                                   int
	host                                                      string
	caKey                                                     string
	bits                                                      int
	comment, hashAlg, file, keyID, format, newPass            string
	principals, oldPass, keyType, validity, serial            string
	hasComment, hasNewPass, hasOldPass, hasFile               bool
	options                                                   []string
	args                                                      []string

	stdin          io.Reader
	lineReader     *bufio.Reader
	stdout, stderr io.Writer
}

// expand turns OpenSSH-style argv (combined flags, values glued to
// letters) into one "-x=value" or "-x" per option followed by "--" and the
// operands, which urfave/cli parses unambiguously.
func expand(args []string) ([]string, error) {
	var out []string
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			k := strings.IndexByte(optstring, c)
			if k < 0 || c == ':' {
				return nil, fmt.Errorf(msgUnknownOption, string(c))
			}
			if k+1 < len(optstring) && optstring[k+1] == ':' {
				v := a[j+1:]
				if v == "" {
					i++
					if i >= len(args) {
						return nil, fmt.Errorf(msgNeedsArgument, string(c))
					}
					v = args[i]
				}
				out = append(out, "-"+string(c)+"="+v)
				break
			}
			if c == 'h' {
				// urfave/cli treats a set "h" as its help flag.
				out = append(out, "-"+hostCertFlag)
				continue
			}
			out = append(out, "-"+string(c))
		}
	}
	out = append(out, "--")
	return append(out, args[i:]...), nil
}

func flags() []cli.Flag {
	var f []cli.Flag
	for i := 0; i < len(optstring); i++ {
		name := string(optstring[i])
		if i+1 < len(optstring) && optstring[i+1] == ':' {
			if name == "O" {
				f = append(f, &cli.StringSliceFlag{Name: name})
			} else {
				f = append(f, &cli.StringFlag{Name: name})
			}
			i++
			continue
		}
		if name == "h" {
			name = hostCertFlag
		}
		if name == "v" {
			f = append(f, &cli.BoolFlag{Name: name, Count: new(int)})
			continue
		}
		f = append(f, &cli.BoolFlag{Name: name})
	}
	return f
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
	argv, err := expand(args[1:])
	if err != nil {
		fmt.Fprintf(stderr, "ssh-keygen: %v\n", err)
		fmt.Fprint(stderr, usageText)
		return 1
	}
	o := &opts{stdin: stdin, stdout: stdout, stderr: stderr}
	status := 0
	app := &cli.App{
		Name:                      "ssh-keygen",
		HideHelp:                  true,
		HideVersion:               true,
		DisableSliceFlagSeparator: true,
		Flags:                     flags(),
		Writer:                    stdout,
		ErrWriter:                 stderr,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			fmt.Fprintf(stderr, "ssh-keygen: %v\n%s", err, usageText)
			status = 1
			return nil
		},
		Action: func(c *cli.Context) error {
			if err := o.fill(c); err != nil {
				fmt.Fprintf(stderr, "%v\n", err)
				status = 1
				return nil
			}
			status = o.dispatch()
			return nil
		},
	}
	if err := app.Run(append([]string{"ssh-keygen"}, argv...)); err != nil && status == 0 {
		fmt.Fprintf(stderr, "ssh-keygen: %v\n", err)
		status = 1
	}
	return status
}

func (o *opts) fill(c *cli.Context) error {
	b := c.Bool
	s := c.String
	o.genHostKeys, o.hash, o.printCert, o.changeComment = b("A"), b("H"), b("L"), b("c")
	o.export, o.find, o.hostCert, o.importKey = b("e"), c.IsSet("F"), b(hostCertFlag), b("i")
	o.list, o.changePass, o.quiet, o.remove = b("l"), b("p"), b("q"), c.IsSet("R")
	o.host = s("F")
	if o.remove {
		o.host = s("R")
	}
	o.sign, o.printPublic = c.IsSet("s"), b("y")
	o.caKey = s("s")
	o.verbose = c.Count("v")
	o.comment, o.hasComment = s("C"), c.IsSet("C")
	o.hashAlg = s("E")
	o.file, o.hasFile = s("f"), c.IsSet("f")
	o.keyID, o.format = s("I"), s("m")
	o.newPass, o.hasNewPass = s("N"), c.IsSet("N")
	o.oldPass, o.hasOldPass = s("P"), c.IsSet("P")
	o.principals, o.keyType, o.validity, o.serial = s("n"), s("t"), s("V"), s("z")
	o.options = c.StringSlice("O")
	o.sigOp, o.useAgent = s("Y"), b("U")
	o.args = c.Args().Slice()
	if v := s("b"); v != "" {
		n, err := parseBits(v)
		if err != nil {
			return err
		}
		o.bits = n
	}
	if o.hashAlg == "" {
		o.hashAlg = "sha256"
	}
	return nil
}

func (o *opts) dispatch() int {
	// Modes in the order OpenSSH's main() tests them.
	switch {
	case o.sigOp != "":
		return o.signatures()
	case o.find || o.remove || (o.hash && !o.sign):
		return o.knownHosts()
	case o.printCert:
		return o.showCert()
	case o.sign:
		return o.signCerts()
	case o.changePass:
		return o.changePassphrase()
	case o.changeComment:
		return o.changeKeyComment()
	case o.list:
		return o.fingerprint()
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
