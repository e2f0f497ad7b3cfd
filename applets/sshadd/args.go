package sshadd

import (
	"fmt"
	"io"

	"sshbox/configfmt"
	"sshbox/internal/getopt"
	"sshbox/sshcore/keys"
)

// optstring is OpenSSH ssh-add's getopt string.
const optstring = "vkKlLCcdDTxXE:e:h:H:M:m:qs:S:t:"

// opts is the parsed command line.
type opts struct {
	list, listFull, remove, removeAll, lock, unlock bool
	confirm, keyOnly, quiet, test                   bool
	verbose                                         int
	hash                                            string
	lifetime                                        int
	files                                           []string
}

// parseArgs reads ssh-add's command line; on a mistake it prints the
// usage and returns false.
func parseArgs(args []string, stderr io.Writer) (*opts, bool) {
	o := &opts{hash: "sha256"}
	list, rest, err := getopt.Parse(optstring, args)
	if err != nil {
		fmt.Fprintf(stderr, "%s\n%s", err, msgUsage)
		return nil, false
	}
	for _, op := range list {
		switch op.Name {
		case "v":
			o.verbose++
		case "k":
			o.keyOnly = true
		case "l":
			o.list = true
		case "L":
			o.listFull = true
		case "c":
			o.confirm = true
		case "d":
			o.remove = true
		case "D":
			o.removeAll = true
		case "x":
			o.lock = true
		case "X":
			o.unlock = true
		case "q":
			o.quiet = true
		case "T":
			o.test = true
		case "E":
			if !keys.ValidHash(op.Arg) {
				fmt.Fprintf(stderr, msgBadHash, op.Arg)
				return nil, false
			}
			o.hash = op.Arg
		case "t":
			n, err := configfmt.ParseTime(op.Arg)
			if err != nil || n == 0 {
				fmt.Fprint(stderr, msgInvalidLife)
				return nil, false
			}
			o.lifetime = n
		default:
			// PKCS#11 (-s -e), FIDO (-K -S), destination constraints
			// (-h -H), -C and -M/-m: left out rather than ignored, as
			// ignoring a constraint would add a key less restricted than
			// asked.
			fmt.Fprintf(stderr, msgUnsupported, op.Name)
			return nil, false
		}
	}
	o.files = rest
	return o, true
}
