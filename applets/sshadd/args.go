package sshadd

import (
	"fmt"
	"io"
	"strconv"

	"sshbox/configfmt"
	"sshbox/internal/getopt"
	"sshbox/sshcore/keys"
)

// optstring is OpenSSH 9.2 ssh-add's getopt string (-C came later).
const optstring = "vkKlLcdDTxXE:e:h:H:M:m:qs:S:t:"

// opts is the parsed command line.
type opts struct {
	// listMode is 'l' or 'L', lockMode 'x' or 'X': the letter given, as
	// OpenSSH's messages name it.
	listMode, lockMode                byte
	remove, removeAll, confirm, quiet bool
	keyOnly, test                     bool
	verbose                           int
	hash                              string
	lifetime                          int
	// unsupported is the first option sshbox leaves out, refused only
	// where OpenSSH's ssh-add would act on it (not under -l, -x, -D, -T).
	unsupported string
	files       []string
}

// parseArgs reads ssh-add's command line as OpenSSH's does, each option
// acted on as getopt returns it, so that a fatal one (-lL, a bad -E) is
// reported before a later mistake, and then the conflicting actions. On
// failure it has said why and returns the exit status.
func parseArgs(args []string, stderr io.Writer) (*opts, int) {
	o := &opts{hash: "sha256"}
	list, rest, usageErr := getopt.Parse(optstring, args)
	for _, op := range list {
		switch op.Name {
		case "v":
			o.verbose++
		case "k":
			o.keyOnly = true
		case "l", "L":
			if o.listMode != 0 {
				fmt.Fprintf(stderr, msgFlagTwice, o.listMode)
				return nil, 255
			}
			o.listMode = op.Name[0]
		case "x", "X":
			if o.lockMode != 0 {
				fmt.Fprintf(stderr, msgFlagTwice, o.lockMode)
				return nil, 255
			}
			o.lockMode = op.Name[0]
		case "c":
			o.confirm = true
		case "d":
			o.remove = true
		case "D":
			o.removeAll = true
		case "q":
			o.quiet = true
		case "T":
			o.test = true
		case "E":
			if !keys.ValidHash(op.Arg) {
				fmt.Fprintf(stderr, msgBadHash, op.Arg)
				return nil, 255 // OpenSSH's fatal()
			}
			o.hash = op.Arg
		case "t":
			// 0 is no lifetime, as in OpenSSH.
			n, err := configfmt.ParseTime(op.Arg)
			if err != nil {
				fmt.Fprint(stderr, msgInvalidLife)
				return nil, 1
			}
			o.lifetime = n
		case "M", "m":
			// OpenSSH reads the number before anything else.
			if n, err := strconv.ParseUint(op.Arg, 10, 32); err != nil || n == 0 {
				fmt.Fprint(stderr, msgUsage)
				return nil, 1
			}
			o.leaveOut(op.Name)
		default:
			// PKCS#11 (-s -e), FIDO (-K -S), destination constraints
			// (-h -H) and XMSS's -M/-m: left out rather than ignored, as
			// ignoring a constraint would add a key less restricted than
			// asked.
			if op.Name == "e" {
				o.remove = true
			}
			o.leaveOut(op.Name)
		}
	}
	if usageErr != nil {
		fmt.Fprintf(stderr, msgGetopt, usageErr, msgUsage)
		return nil, 1
	}
	if b2i(o.lockMode != 0)+b2i(o.listMode != 0)+b2i(o.removeAll) > 1 {
		fmt.Fprint(stderr, msgBadCombination)
		return nil, 255
	}
	o.files = rest
	return o, 0
}

func (o *opts) leaveOut(flag string) {
	if o.unsupported == "" {
		o.unsupported = flag
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
