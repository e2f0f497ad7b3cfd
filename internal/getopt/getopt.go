// Package getopt reads command lines the way OpenSSH's programs do, with
// BSD getopt(3) semantics: an option string such as "1246ab:c:" names the
// letters and marks with ':' those that take a value; flags combine (-vvv,
// -NT), a value is attached (-p2222) or the next word (-p 2222), "--" ends
// the options, and an unknown letter or a missing value is a usage error
// worded as OpenSSH prints it. Every applet parses through this one package
// so that a script written for OpenSSH reads the same everywhere.
package getopt

import (
	"fmt"
	"strings"
)

// Option is one option as given: Name is the letter (or the long name
// without "--"), Arg its value when the option takes one.
type Option struct {
	Name string
	Arg  string
}

// Error is a usage error; its text is getopt's.
type Error struct {
	Name    string
	Missing bool // the option needs a value and none was given
	Long    bool
}

func (e *Error) Error() string {
	switch {
	case e.Long && e.Missing:
		return fmt.Sprintf("option '--%s' requires an argument", e.Name)
	case e.Long:
		return fmt.Sprintf("unrecognized option '--%s'", e.Name)
	case e.Missing:
		return "option requires an argument -- " + e.Name
	}
	return "unknown option -- " + e.Name
}

// Parser describes one program's options.
type Parser struct {
	// Short is the getopt option string.
	Short string
	// Long lists long options (sshbox's own programs only; OpenSSH's have
	// none), a trailing '=' marking those that take a value, given as
	// --name=value or --name value.
	Long []string
	// Permute lets options follow operands (GNU style), for sshbox's own
	// programs; OpenSSH's stop at the first operand.
	Permute bool
}

// Parse is Parser{Short: optstring}.Parse(args).
func Parse(optstring string, args []string) ([]Option, []string, error) {
	return Parser{Short: optstring}.Parse(args)
}

// takes reports whether the letter c is an option and whether it takes a
// value.
func (p Parser) takes(c byte) (known, value bool) {
	// ':' marks values and '-' would read as "--"; neither is a letter.
	if c == ':' || c == '-' {
		return false, false
	}
	i := strings.IndexByte(p.Short, c)
	if i < 0 {
		return false, false
	}
	return true, i+1 < len(p.Short) && p.Short[i+1] == ':'
}

func (p Parser) long(name string) (known, value bool) {
	for _, l := range p.Long {
		if l == name {
			return true, false
		}
		if l == name+"=" {
			return true, true
		}
	}
	return false, false
}

// Parse reads args (without the program name) and returns the options in
// order and the operands. Without Permute it stops at the first operand;
// a lone "-" is an operand. On a usage error opts still holds the options
// before the bad one: OpenSSH's programs act on each option as getopt
// returns it, so one of those can fail first (ssh-add -lLZ).
func (p Parser) Parse(args []string) (opts []Option, operands []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return opts, append(operands, args[i+1:]...), nil
		case len(a) < 2 || a[0] != '-':
			if !p.Permute {
				return opts, append(operands, args[i:]...), nil
			}
			operands = append(operands, a)
		case a[1] == '-' && len(p.Long) > 0:
			name, val, hasVal := strings.Cut(a[2:], "=")
			known, takes := p.long(name)
			if !known || (hasVal && !takes) {
				return opts, nil, &Error{Name: name, Long: true}
			}
			if takes && !hasVal {
				if i+1 >= len(args) {
					return opts, nil, &Error{Name: name, Long: true, Missing: true}
				}
				i++
				val = args[i]
			}
			opts = append(opts, Option{Name: name, Arg: val})
		default:
			for j := 1; j < len(a); j++ {
				c := a[j]
				known, takes := p.takes(c)
				if !known {
					return opts, nil, &Error{Name: string([]byte{c})}
				}
				if !takes {
					opts = append(opts, Option{Name: string([]byte{c})})
					continue
				}
				val := a[j+1:]
				if val == "" {
					if i+1 >= len(args) {
						return opts, nil, &Error{Name: string([]byte{c}), Missing: true}
					}
					i++
					val = args[i]
				}
				opts = append(opts, Option{Name: string([]byte{c}), Arg: val})
				break
			}
		}
	}
	return opts, operands, nil
}
