package ssh

import (
	"fmt"
	"strings"
)

// OpenSSH's option letters; those followed by ':' take an argument.
const optString = "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy"

// argKind reports whether ch is an option and whether it takes an argument.
func argKind(ch byte) (known, takesArg bool) {
	i := strings.IndexByte(optString, ch)
	if i < 0 || ch == ':' {
		return false, false
	}
	return true, i+1 < len(optString) && optString[i+1] == ':'
}

// argError is a command line mistake; ssh prints it with the usage and
// exits 255.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

// splitArgs applies OpenSSH's argv conventions before urfave/cli sees the
// command line: combined short flags (-vvv, -NT, -p2222), options after the
// destination (ssh host -p 2222 ls), and everything after the command's
// first word belonging to the command (ssh host ls -l). It returns the
// options one per element ("-p", "2222"), the destination and the command
// words; before counts the option elements that preceded the destination.
func splitArgs(args []string) (opts []string, dest string, command []string, err error) {
	opts, _, dest, command, err = splitArgsAt(args)
	return opts, dest, command, err
}

func splitArgsAt(args []string) (opts []string, before int, dest string, command []string, err error) {
	i := 0
	parse := func() error {
		for i < len(args) {
			a := args[i]
			if a == "--" {
				i++
				return nil
			}
			if len(a) < 2 || a[0] != '-' {
				return nil
			}
			for j := 1; j < len(a); j++ {
				ch := a[j]
				known, takes := argKind(ch)
				if !known {
					return &argError{fmt.Sprintf(msgUnknownOption, ch)}
				}
				if !takes {
					opts = append(opts, "-"+string(ch))
					continue
				}
				val := a[j+1:]
				if val == "" {
					i++
					if i >= len(args) {
						return &argError{fmt.Sprintf(msgNeedsArgument, ch)}
					}
					val = args[i]
				}
				opts = append(opts, "-"+string(ch), val)
				break
			}
			i++
		}
		return nil
	}
	if err := parse(); err != nil {
		return nil, 0, "", nil, err
	}
	before = len(opts)
	if i < len(args) {
		dest = args[i]
		i++
		if err := parse(); err != nil {
			return nil, 0, "", nil, err
		}
	}
	if i < len(args) {
		command = args[i:]
	}
	return opts, before, dest, command, nil
}
