package transfer

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// Location is one scp operand: a local path, or a path on a host.
type Location struct {
	Remote bool
	User   string
	Host   string
	Port   int // 0 = from the configuration
	Path   string
}

// ParseLocation reads an scp operand as OpenSSH's scp does: scheme URIs
// (scheme://[user@]host[:port][/path]), then [user@]host:path where the
// colon comes before any slash (a leading colon, or a slash first, makes it
// a local path; an IPv6 host is written in brackets).
func ParseLocation(arg, scheme string) (Location, error) {
	if strings.HasPrefix(arg, scheme+"://") {
		return parseURI(arg, scheme)
	}
	i := colon(arg)
	if i < 0 {
		return Location{Path: arg}, nil
	}
	l := Location{Remote: true, Path: arg[i+1:]}
	host := arg[:i]
	if at := strings.LastIndex(host, "@"); at >= 0 {
		l.User, host = host[:at], host[at+1:]
		if l.User == "" {
			return l, errors.New("empty user name")
		}
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "" {
		return l, errors.New("empty host name")
	}
	l.Host = host
	return l, nil
}

// colon is OpenSSH's colon(): the index of the host's colon, or -1 for a
// local path.
func colon(s string) int {
	if strings.HasPrefix(s, ":") {
		return -1
	}
	bracket := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '@' && i+1 < len(s) && s[i+1] == '[':
			bracket = true
		case c == '[' && i == 0:
			bracket = true
		case c == ']' && i+1 < len(s) && s[i+1] == ':' && bracket:
			return i + 1
		case c == ':' && !bracket:
			return i
		case c == '/':
			return -1
		}
	}
	return -1
}

func parseURI(arg, scheme string) (Location, error) {
	u, err := url.Parse(arg)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return Location{}, errors.New("invalid URI")
	}
	l := Location{Remote: true, Host: u.Hostname()}
	if u.User != nil {
		l.User = u.User.Username()
		// OpenSSH accepts ";fingerprint=..." parameters and ignores them.
		l.User, _, _ = strings.Cut(l.User, ";")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return l, errors.New("invalid port")
		}
		l.Port = n
	}
	if l.Host == "" {
		return l, errors.New("invalid URI")
	}
	// "/path" is relative to the home directory; "//path" is absolute.
	l.Path = strings.TrimPrefix(u.Path, "/")
	return l, nil
}
