package scp

import (
	"fmt"
	"strings"
)

// OpenSSH scp's option letters; those followed by ':' take an argument.
const optString = "12346ABCTdfOpqRrstvc:D:F:i:J:l:o:P:S:X:"

// opt is one option as given: its letter and value.
type opt struct {
	ch  byte
	val string
}

// argError is a command line mistake: printed with the usage, exit 1.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

// parseArgs is getopt(3) as glibc does it for scp: combined flags (-rp),
// values attached or separate (-P2222, -P 2222), options anywhere before
// "--", which ends them.
func parseArgs(args []string) (opts []opt, operands []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return opts, append(operands, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			operands = append(operands, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			ch := a[j]
			k := strings.IndexByte(optString, ch)
			if k < 0 || ch == ':' {
				return nil, nil, &argError{fmt.Sprintf(msgUnknownOption, ch)}
			}
			if k+1 >= len(optString) || optString[k+1] != ':' {
				opts = append(opts, opt{ch: ch})
				continue
			}
			val := a[j+1:]
			if val == "" {
				i++
				if i >= len(args) {
					return nil, nil, &argError{fmt.Sprintf(msgNeedsArgument, ch)}
				}
				val = args[i]
			}
			opts = append(opts, opt{ch, val})
			break
		}
	}
	return opts, operands, nil
}
