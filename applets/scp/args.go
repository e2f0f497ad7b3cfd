package scp

import (
	"sshbox/internal/getopt"
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

// parseArgs reads the command line as glibc's getopt(3) does for
// OpenSSH's scp on Linux (internal/getopt, permuting): combined flags
// (-rp), values attached or separate (-P2222, -P 2222), options anywhere
// before "--", which ends them.
func parseArgs(args []string) (opts []opt, operands []string, err error) {
	list, operands, err := getopt.Parser{Short: optString, Permute: true}.Parse(args)
	if err != nil {
		return nil, nil, &argError{err.Error()}
	}
	for _, o := range list {
		opts = append(opts, opt{o.Name[0], o.Arg})
	}
	return opts, operands, nil
}
