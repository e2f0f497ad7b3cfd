package configfmt

import (
	"fmt"
	"strconv"
	"strings"
)

// Forwarding specifications (LocalForward, RemoteForward, DynamicForward):
// checked as OpenSSH's parse_forward does, kept as written ("8080
// localhost:80") in the options, printed in ssh -G's normal form.

type fwdEnd struct {
	host string // "" when not given
	port int    // 0 for a path
	path string // Unix socket
}

func (e fwdEnd) String() string {
	switch {
	case e.path != "":
		return e.path
	case e.host == "":
		return strconv.Itoa(e.port)
	}
	return "[" + e.host + "]:" + strconv.Itoa(e.port)
}

// parseFwdEnd parses "[bind:]port", "[v6]:port", "host:port" or a path.
// needHost: the connect side, where the host is mandatory.
func parseFwdEnd(s string, needHost bool) (fwdEnd, error) {
	if strings.Contains(s, "/") && !strings.HasPrefix(s, "[") {
		return fwdEnd{path: s}, nil
	}
	var host, port string
	switch {
	case strings.HasPrefix(s, "["):
		i := strings.Index(s, "]")
		if i < 0 || !strings.HasPrefix(s[i+1:], ":") {
			return fwdEnd{}, fmt.Errorf("bad forwarding specification %q", s)
		}
		host, port = s[1:i], s[i+2:]
	case strings.Contains(s, ":"):
		i := strings.LastIndex(s, ":")
		host, port = s[:i], s[i+1:]
	default:
		port = s
	}
	if needHost && host == "" {
		return fwdEnd{}, fmt.Errorf("bad forwarding specification %q", s)
	}
	p, err := parseInt(port)
	if err != nil || p > 65535 || needHost && p == 0 {
		return fwdEnd{}, fmt.Errorf("bad forwarding port %q", port)
	}
	return fwdEnd{host: host, port: p}, nil
}

// parseForward checks one forwarding line's arguments: kind 'L', 'R' or
// 'D'. A RemoteForward with no target is a remote dynamic forwarding (the
// client answers SOCKS requests for the server's connections); connect is
// then the zero fwdEnd.
func parseForward(a []string, kind byte) (listen, connect fwdEnd, err error) {
	if kind == 'D' || kind == 'R' && len(a) == 1 {
		if len(a) != 1 {
			return listen, connect, fmt.Errorf("bad forwarding specification %q", strings.Join(a, " "))
		}
		listen, err = parseFwdEnd(a[0], false)
		return listen, connect, err
	}
	if len(a) != 2 {
		return listen, connect, fmt.Errorf("missing target argument in forwarding specification %q", strings.Join(a, " "))
	}
	if listen, err = parseFwdEnd(a[0], false); err != nil {
		return listen, connect, err
	}
	connect, err = parseFwdEnd(a[1], true)
	return listen, connect, err
}

func addForward(p *[]string, a []string, kind byte) error {
	if _, _, err := parseForward(a, kind); err != nil {
		return err
	}
	// Forwardings always accumulate, and the defaults are empty.
	*p = append(*p, strings.Join(a, " "))
	return nil
}

// forwardLines prints forwardings as ssh -G does (a remote dynamic one
// with OpenSSH's "[socks]:0" for its target).
func forwardLines(specs []string, kind byte) []string {
	var out []string
	for _, spec := range specs {
		l, c, err := parseForward(strings.Fields(spec), kind)
		switch {
		case err != nil:
			out = append(out, spec)
		case kind == 'D':
			out = append(out, l.String())
		case c == fwdEnd{}:
			out = append(out, l.String()+" [socks]:0")
		default:
			out = append(out, l.String()+" "+c.String())
		}
	}
	return out
}

// IsRemoteDynamic says whether a RemoteForward line (as kept in the
// options) is a remote dynamic forwarding: a listening end only.
func IsRemoteDynamic(spec string) bool {
	_, c, err := parseForward(strings.Fields(spec), 'R')
	return err == nil && c == fwdEnd{}
}
