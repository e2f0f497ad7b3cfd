package sftp

import (
	"errors"
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
// sftp does (its makeargv): blanks separate, single and double quotes
// group, and a # outside quotes ends the line. Outside quotes a backslash
// takes the next character literally, but stays before a glob character or
// a backslash so that globbing sees it escaped (undone by unescape where a
// path is used as it is); at the very end it is dropped. Inside quotes a
// backslash escapes the quote itself, and otherwise stays, both as it is;
// a glob character is escaped so that it matches only itself.
func splitLine(line string) ([]string, error) {
	const maxArgs, maxArgLen = 128, 8192 // OpenSSH's MAXARGS, MAXARGLEN
	if len(line) > maxArgLen-1 {
		return nil, errors.New("string too long")
	}
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	isGlob := func(c byte) bool { return c == '?' || c == '[' || c == '*' }
	end := func() error {
		if len(words) >= maxArgs {
			return errors.New("Too many arguments.")
		}
		words = append(words, cur.String())
		cur.Reset()
		inWord = false
		return nil
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'):
			if inWord {
				if err := end(); err != nil {
					return nil, err
				}
			}
		case c == '"' || c == '\'':
			switch {
			case quote == 0:
				quote, inWord = c, true
			case quote == c:
				quote = 0
			default:
				cur.WriteByte(c)
			}
		case c == '\\' && quote != 0:
			switch {
			case i+1 < len(line) && line[i+1] == quote:
				i++
				cur.WriteByte(quote)
			case i+1 < len(line) && isGlob(line[i+1]):
				// The backslash and the glob character, each escaped.
				i++
				cur.WriteString(`\\\` + line[i:i+1])
			case i+1 < len(line):
				i++
				cur.WriteString(line[i-1 : i+1])
			default:
				cur.WriteByte('\\')
			}
		case c == '\\':
			inWord = true
			if i+1 >= len(line) {
				break // a backslash at the end is dropped
			}
			i++
			if isGlob(line[i]) || line[i] == '\\' {
				cur.WriteByte('\\')
			}
			cur.WriteByte(line[i])
		case c == '#' && quote == 0:
			i = len(line) // the rest is a comment
		default:
			if quote != 0 && isGlob(c) {
				cur.WriteByte('\\')
			}
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("Unterminated quoted argument")
	}
	if inWord {
		if err := end(); err != nil {
			return nil, err
		}
	}
	return words, nil
}
