package dropbear

import "strings"

// option is one parsed command-line option: its letter and, for letters
// that take one, its value.
type option struct {
	name  byte
	value string
}

// usageError is a command line Dropbear would refuse; the applet prints it
// with the usage text.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// getopt reads Dropbear's command lines, which follow getopt's shape:
// letters may be combined (-RFE), a value may be glued to its letter
// (-p2222) or follow as the next word. spec lists the letters, each taking
// a value followed by ':'. With interleave, words that are not options are
// collected as operands and option parsing carries on after the first one
// (dbclient host -p 22 ...) until a second operand, where the remote
// command starts; otherwise any operand is an error.
func getopt(args []string, spec string, interleave bool) (opts []option, operands []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" && interleave {
			return opts, append(operands, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			if !interleave {
				return nil, nil, &usageError{"Invalid argument " + a}
			}
			operands = append(operands, a)
			if len(operands) > 1 {
				return opts, append(operands, args[i+1:]...), nil
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			k := strings.IndexByte(spec, c)
			if k < 0 || c == ':' {
				return nil, nil, &usageError{"Unknown argument " + a}
			}
			if k+1 >= len(spec) || spec[k+1] != ':' {
				opts = append(opts, option{name: c})
				continue
			}
			v := a[j+1:]
			if v == "" {
				i++
				if i >= len(args) {
					return nil, nil, &usageError{"Missing argument for -" + string(c)}
				}
				v = args[i]
			}
			opts = append(opts, option{name: c, value: v})
			break
		}
	}
	return opts, operands, nil
}
