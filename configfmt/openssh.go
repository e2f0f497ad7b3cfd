package configfmt

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"sshbox/internal/sshtime"
	"sshbox/internal/syslogw"
)

// The OpenSSH dialect, shared by ssh_config and sshd_config: how a line
// splits into keyword and arguments (readconf.c strdelim + argv_split), and
// how Include pulls in other files. Which keywords exist and what Host and
// Match mean differ per side (client.go, server.go).

// maxIncludeDepth is OpenSSH's READCONF_MAX_DEPTH: it stops Include loops.
const maxIncludeDepth = 16

// cline is one configuration line, or an Include with the files it
// pulled in.
type cline struct {
	file string
	num  int
	kw   string // lowercased
	word string // keyword as written, for messages
	args []string
	// rest is the line after the keyword as written, quotes and all:
	// OpenSSH keeps the client's command keywords (LocalCommand,
	// ProxyCommand...) that way and splits them only when they run.
	rest string
	inc  []*cfile // Include: the files matched, in glob order
}

type cfile struct {
	path  string
	lines []cline
}

func (l *cline) errorf(format string, a ...any) error {
	return fmt.Errorf("%s:%d: %s", l.file, l.num, fmt.Sprintf(format, a...))
}

// splitLine splits one line into its keyword and arguments. kw is "" for
// blank lines and comments.
func splitLine(s string) (kw string, args []string, err error) {
	s = strings.TrimRight(s, " \t\r\n\f")
	s = strings.TrimLeft(s, " \t\r\n")
	if s == "" || s[0] == '#' {
		return "", nil, nil
	}
	// The keyword ends at whitespace or at one '=' (with optional blanks
	// around it): "Port 22", "Port=22", "Port = 22".
	i := strings.IndexAny(s, " \t\r\n=\"")
	if i < 0 {
		return s, nil, nil
	}
	if s[i] == '"' {
		return "", nil, errors.New("invalid quotes")
	}
	kw, rest := s[:i], s[i:]
	rest = strings.TrimLeft(rest, " \t\r\n")
	if strings.HasPrefix(rest, "=") {
		rest = rest[1:]
		rest = strings.TrimLeft(rest, " \t\r\n")
	}
	args, err = splitArgs(rest)
	return kw, args, err
}

// lineRest is what follows the keyword, as OpenSSH's parse_command takes
// it: blanks and '=' skipped, trailing blanks dropped.
func lineRest(s string) string {
	s = strings.Trim(s, " \t\r\n\f")
	i := strings.IndexAny(s, " \t\r\n=")
	if i < 0 {
		return ""
	}
	return strings.TrimLeft(s[i:], " \t\r\n=")
}

// splitArgs is OpenSSH's argv_split: blanks separate arguments, single or
// double quotes group, backslash escapes quotes, backslash and (outside
// quotes) a blank, and an unquoted '#' at the start of an argument begins
// a comment.
func splitArgs(s string) ([]string, error) {
	var args []string
	i := 0
	for i < len(s) {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		if s[i] == '#' {
			break
		}
		var b strings.Builder
		var quote byte
	token:
		for ; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '"' || s[i+1] == '\\' || quote == 0 && s[i+1] == ' '):
				i++
				b.WriteByte(s[i])
			case quote == 0 && (c == ' ' || c == '\t'):
				break token
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case quote != 0 && c == quote:
				quote = 0
			default:
				b.WriteByte(c)
			}
		}
		if quote != 0 {
			return nil, errors.New("invalid quotes")
		}
		args = append(args, b.String())
	}
	return args, nil
}

// Limits on what Include may pull in: a glob can match the file itself or
// whole directory trees, and device files never end.
const (
	maxIncludedFiles = 256
	maxConfigSize    = 4 << 20
)

// loader reads files through the record reader and resolves Include.
type loader struct {
	incDir string // where relative Include paths are looked up
	home   string // for ~ in Include paths
	count  int    // files included so far
}

func (ld *loader) readFile(path string, depth int) (*cfile, error) {
	if depth > maxIncludeDepth {
		return nil, fmt.Errorf("%s: Include nested too deeply (more than %d levels)", path, maxIncludeDepth)
	}
	recs, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ld.parse(path, recs, depth)
}

func (ld *loader) parse(path string, recs []string, depth int) (*cfile, error) {
	f := &cfile{path: path}
	for i, r := range recs {
		l := cline{file: path, num: i + 1}
		word, args, err := splitLine(r)
		if err != nil {
			return nil, l.errorf("%v", err)
		}
		if word == "" {
			continue
		}
		l.word, l.kw, l.args, l.rest = word, strings.ToLower(word), args, lineRest(r)
		if len(args) == 0 {
			return nil, l.errorf("no argument after keyword %q", word)
		}
		if l.kw == "include" {
			if l.inc, err = ld.include(&l, depth); err != nil {
				return nil, err
			}
		}
		f.lines = append(f.lines, l)
	}
	return f, nil
}

// include resolves one Include line's globs, sorted as glob(3) sorts.
func (ld *loader) include(l *cline, depth int) ([]*cfile, error) {
	var out []*cfile
	for _, a := range l.args {
		p := a
		if strings.HasPrefix(p, "~/") || p == "~" {
			p = ld.home + p[1:]
		} else if !filepath.IsAbs(p) {
			p = filepath.Join(ld.incDir, p)
		}
		matches, err := globFiles(p)
		if err != nil {
			return nil, l.errorf("Include %q: %v", a, err)
		}
		sort.Strings(matches)
		for _, m := range matches {
			st, err := statFile(m)
			if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
				continue // directories, devices, FIFOs; /proc files claim size 0
			}
			if st.Size() > maxConfigSize {
				return nil, l.errorf("Include %s: file larger than %d bytes", m, maxConfigSize)
			}
			if ld.count++; ld.count > maxIncludedFiles {
				return nil, l.errorf("Include: more than %d files included", maxIncludedFiles)
			}
			f, err := ld.readFile(m, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// Argument parsers shared by both sides. They return messages without the
// file:line, which the caller adds.

func parseYesNo(a string) (bool, error) {
	switch strings.ToLower(a) {
	case "yes", "true":
		return true, nil
	case "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("unsupported option %q (yes or no)", a)
}

func parseChoice(a string, choices ...string) (string, error) {
	l := strings.ToLower(a)
	for _, c := range choices {
		if l == c {
			return c, nil
		}
	}
	return "", fmt.Errorf("unsupported option %q (one of %s)", a, strings.Join(choices, ", "))
}

func parseInt(a string) (int, error) {
	n := 0
	if a == "" {
		return 0, fmt.Errorf("invalid number %q", a)
	}
	for _, c := range a {
		if c < '0' || c > '9' || n > 1<<30 {
			return 0, fmt.Errorf("invalid number %q", a)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

func parsePort(a string) (int, error) {
	n, err := parseInt(a)
	if err != nil || n <= 0 || n > 65535 {
		return 0, fmt.Errorf("Bad port %q", a)
	}
	return n, nil
}

// parseTime is OpenSSH's convtime: "90", "1m30s", "2h", units s m h d w.
func parseTime(a string) (int, error) {
	n, err := sshtime.Interval(a)
	if err != nil {
		return 0, fmt.Errorf("invalid time value %q", a)
	}
	return n, nil
}

var logLevels = []string{"QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"}

func parseLogLevel(a string) (string, error) {
	u := strings.ToUpper(a)
	if u == "SILENT" {
		u = "QUIET" // OpenSSH's other name for it
	}
	for _, l := range logLevels {
		if u == l {
			return l, nil
		}
	}
	return "", fmt.Errorf("unsupported log level %q", a)
}

// parseFacility checks a SyslogFacility name (log.c's, any case) and
// gives it in capitals, as ssh -G and sshd -T print it.
func parseFacility(a string) (string, error) {
	u := strings.ToUpper(a)
	if _, err := syslogw.Facility(u, 0); err != nil || u == "" {
		return "", fmt.Errorf("unsupported log facility %q", a)
	}
	return u, nil
}

// logLevelName prints a level as OpenSSH does (DEBUG1 is DEBUG, QUIET
// is SILENT).
func logLevelName(l string) string {
	switch l {
	case "DEBUG1":
		return "DEBUG"
	case "QUIET":
		return "SILENT"
	}
	return l
}

// checkAlgoList checks the syntax of an algorithm list; names are checked
// by sshcore/algo when the list is resolved.
func checkAlgoList(a string) error {
	s := strings.TrimLeft(a, "+-^")
	if s == "" || strings.Contains(s, ",,") || strings.HasSuffix(s, ",") || strings.HasPrefix(s, ",") {
		return fmt.Errorf("bad algorithm list %q", a)
	}
	return nil
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
