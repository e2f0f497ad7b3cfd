// Package help says, in one place, how every applet answers a request
// for help: its usage text on standard error and the exit status the
// program it stands in for gives a usage error (255 for ssh, 1 for the
// others), the way OpenSSH's programs answer a flag they do not know.
package help

import (
	"io"
	"strings"
)

// Asked reports whether a command line (after the applet name) asks for
// help: --help as the first word, or -h where the applet gives -h no other
// meaning (sshd and ssh-keygen use it for host keys).
func Asked(args []string, dashH bool) bool {
	return len(args) > 0 && (args[0] == "--help" || dashH && args[0] == "-h")
}

// Getopt rewords a command-line error of urfave/cli in getopt's words,
// which OpenSSH's programs print ("unknown option -- Z").
func Getopt(err error) string {
	s := err.Error()
	for _, p := range []struct{ from, to string }{
		{"flag provided but not defined: -", "unknown option -- "},
		{"flag needs an argument: -", "option requires an argument -- "},
	} {
		if rest, ok := strings.CutPrefix(s, p.from); ok {
			return p.to + strings.TrimLeft(rest, "-")
		}
	}
	return s
}

// Print writes text to w, ending it with one newline.
func Print(w io.Writer, text string) {
	io.WriteString(w, strings.TrimRight(text, "\n")+"\n")
}
