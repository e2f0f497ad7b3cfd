// Package optscan is a minimal getopt(3) for the applets added with
// ssh-agent, ssh-add and ssh-keyscan: combined flags (-lv), values attached
// (-t2) or separate (-t 2), "--" ending the options and the first operand
// ending them too, as OpenSSH's programs parse. It is a stopgap kept to one
// place so that the applets can move to the shared getopt package in one
// step.
package optscan

import (
	"fmt"
	"strings"
)

// Opt is one option as given: its letter and, for letters followed by ':'
// in the option string, its value.
type Opt struct {
	Name  byte
	Value string
}

// Error is a command line mistake, worded as OpenSSH's getopt words it.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Parse splits args (without the program name) into options and operands.
func Parse(args []string, optstring string) ([]Opt, []string, error) {
	var opts []Opt
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
				return nil, nil, &Error{fmt.Sprintf("unknown option -- %c", c)}
			}
			if k+1 >= len(optstring) || optstring[k+1] != ':' {
				opts = append(opts, Opt{Name: c})
				continue
			}
			v := a[j+1:]
			if v == "" {
				i++
				if i >= len(args) {
					return nil, nil, &Error{fmt.Sprintf("option requires an argument -- %c", c)}
				}
				v = args[i]
			}
			opts = append(opts, Opt{Name: c, Value: v})
			break
		}
	}
	return opts, args[i:], nil
}
