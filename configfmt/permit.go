package configfmt

import (
	"fmt"
	"strconv"
	"strings"
)

// PermitAnyPort is the port of a PermitOpen/PermitListen entry written
// with "*" for its port.
const PermitAnyPort = -1

// ParsePermitEntry reads one PermitOpen or PermitListen entry (and the
// authorized_keys permitopen=/permitlisten= values) as OpenSSH does:
// "host:port" or "[v6addr]:port", the port a number from 1 to 65535 or
// "*"; for listen entries a bare port means "*:port". It returns the host
// without brackets and the port, PermitAnyPort for "*".
func ParsePermitEntry(s string, listen bool) (host string, port int, err error) {
	if listen && !strings.Contains(s, ":") {
		s = "*:" + s
	}
	var ps string
	if strings.HasPrefix(s, "[") {
		i := strings.IndexByte(s, ']')
		if i < 0 || !strings.HasPrefix(s[i+1:], ":") {
			return "", 0, fmt.Errorf("bad permit entry %q: missing host or port", s)
		}
		host, ps = s[1:i], s[i+2:]
	} else {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			return "", 0, fmt.Errorf("bad permit entry %q: missing port", s)
		}
		host, ps = s[:i], s[i+1:]
	}
	if host == "" || len(host) >= 1025 {
		return "", 0, fmt.Errorf("bad permit entry %q: missing host", s)
	}
	if ps == "*" {
		return host, PermitAnyPort, nil
	}
	n, err := strconv.Atoi(ps)
	if err != nil || n <= 0 || n > 65535 || ps[0] == '+' {
		return "", 0, fmt.Errorf("bad permit entry %q: bad port number", s)
	}
	return host, n, nil
}

// OpenPermitted applies a PermitOpen (sshd) or PermitRemoteOpen (ssh)
// list to a destination as OpenSSH's open_match does: empty or "any"
// allows all, "none" nothing; otherwise an entry must name the host byte
// for byte, or "*", and the port, or "*". An entry that does not parse
// matches nothing, so a mistake only ever forbids more.
func OpenPermitted(list []string, host string, port int) bool {
	if len(list) == 0 || strings.EqualFold(list[0], "any") {
		return true
	}
	for _, entry := range list {
		if OpenEntryMatches(entry, host, port) {
			return true
		}
	}
	return false
}

// OpenEntryMatches is one entry of OpenPermitted's list.
func OpenEntryMatches(entry, host string, port int) bool {
	h, p, err := ParsePermitEntry(entry, false)
	return err == nil && (p == PermitAnyPort || p == port) && (h == "*" || h == host)
}

// setPermitList is PermitOpen and PermitListen: "any" or "none" alone on
// the line, or entries ParsePermitEntry accepts; the first line wins.
func setPermitList(p *[]string, a []string, listen bool) error {
	if len(a) == 0 {
		return fmt.Errorf("missing argument")
	}
	for _, v := range a {
		if v == "any" || v == "none" {
			if len(a) > 1 {
				return fmt.Errorf("%q must appear alone", v)
			}
			continue
		}
		if _, _, err := ParsePermitEntry(v, listen); err != nil {
			return err
		}
	}
	*p = append([]string(nil), a...)
	return nil
}

// setBindMask is StreamLocalBindMask: an octal umask.
func setBindMask(o *ServerOptions, a []string, _ bool) error {
	if err := oneArg(a); err != nil {
		return err
	}
	v, err := parseMask(a[0])
	o.StreamLocalBindMask = v
	return err
}

// parseMask reads a StreamLocalBindMask: octal, at most 0777.
func parseMask(s string) (uint32, error) {
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o777 {
		return 0, fmt.Errorf("invalid mask %q", s)
	}
	return uint32(v), nil
}

// maskText prints a mask as ssh -G and sshd -T do: "0" and octal digits.
func maskText(v uint32) string { return "0" + strconv.FormatUint(uint64(v), 8) }
