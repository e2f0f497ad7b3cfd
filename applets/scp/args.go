package scp

import (
	"sshbox/internal/getopt"
)

// OpenSSH scp's option letters; those followed by ':' take an argument.
const optString = "12346ABCTdfOpqRrstvc:D:F:i:J:l:o:P:S:X:"

// parseArgs reads the command line as glibc's getopt(3) does for
// OpenSSH's scp on Linux (internal/getopt, permuting): combined flags
// (-rp), values attached or separate (-P2222, -P 2222), options anywhere
// before "--", which ends them.
func parseArgs(args []string) ([]getopt.Option, []string, error) {
	return getopt.Parser{Short: optString, Permute: true}.Parse(args)
}
