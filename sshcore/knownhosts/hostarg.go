package knownhosts

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseHostPort reads a host as a user names one on a command line: a
// name or address (port 22), or [host]:port and [host] as known_hosts
// writes them. Unlike SplitHostPort, which reads what files hold and
// never fails, it refuses what cannot be meant: an unclosed bracket, text
// after the bracket that is no port, a bad port, brackets or spaces or
// commas inside a name.
func ParseHostPort(s string) (host string, port int, err error) {
	port = 22
	if rest, ok := strings.CutPrefix(s, "["); ok {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", 0, fmt.Errorf("missing \"]\"")
		}
		host, rest = rest[:end], rest[end+1:]
		if rest != "" {
			p, ok := strings.CutPrefix(rest, ":")
			n, perr := strconv.Atoi(p)
			if !ok || perr != nil || n <= 0 || n > 65535 || p != strconv.Itoa(n) {
				return "", 0, fmt.Errorf("bad port %q", strings.TrimPrefix(rest, ":"))
			}
			port = n
		}
	} else {
		host = s
	}
	switch {
	case host == "":
		return "", 0, fmt.Errorf("empty host name")
	case strings.ContainsAny(host, "[] \t,\n\r"):
		return "", 0, fmt.Errorf("host names may not contain brackets, spaces or commas")
	}
	return host, port, nil
}
