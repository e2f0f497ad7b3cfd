package sftp

import (
	"fmt"
	"strings"

	"sshbox/internal/getopt"
)

// OpenSSH sftp's option letters; those followed by ':' take an argument.
const optString = "1246AafhNpqrvCc:D:i:l:o:s:S:b:B:F:J:P:R:X:"

// parseArgs reads the command line as glibc's getopt(3) does for
// OpenSSH's sftp on Linux (internal/getopt, permuting): combined flags
// (-rp), values attached or separate (-P2222, -P 2222), options anywhere
// before "--", which ends them.
func parseArgs(args []string) ([]getopt.Option, []string, error) {
	return getopt.Parser{Short: optString, Permute: true}.Parse(args)
}

// splitLine cuts an interactive command line into words as OpenSSH's
// sftp does: blanks separate, single and double quotes group, a
// backslash escapes the next character. Quoted glob characters stay
// escaped (with a backslash) so that globbing does not expand them.
func splitLine(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '\'' || c == '"'):
			quote, inWord = c, true
		case c == '\\' && quote != '\'':
			if i+1 >= len(line) {
				return nil, fmt.Errorf("Terminating backslash")
			}
			i++
			if strings.IndexByte("*?[]", line[i]) >= 0 {
				cur.WriteByte('\\')
			}
			cur.WriteByte(line[i])
			inWord = true
		case quote == 0 && (c == ' ' || c == '\t'):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			if quote != 0 && strings.IndexByte("*?[]", c) >= 0 {
				cur.WriteByte('\\')
			}
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("Unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
