package server

import (
	"net"
	"strings"
)

// wildmatch reports whether s matches an OpenSSH pattern: '*' matches any
// run of characters, '?' any one character, everything else itself.
func wildmatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for len(pattern) > 0 && pattern[0] == '*' {
				pattern = pattern[1:]
			}
			if pattern == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if wildmatch(pattern, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}

// matchList matches s against a list of patterns, each possibly negated
// with '!', as OpenSSH's match_pattern_list: a matching negated pattern
// wins over everything, otherwise any matching pattern suffices.
func matchList(patterns []string, s string, fold bool) bool {
	if fold {
		s = strings.ToLower(s)
	}
	matched := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if fold {
			p = strings.ToLower(p)
		}
		if wildmatch(p, s) {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}

// matchHostIP matches a from= list (patterns and CIDR blocks, negation
// with '!') against the client's address, as OpenSSH's match_host_and_ip
// does with UseDNS off: host name patterns see the address text.
func matchHostIP(patterns []string, ip string) bool {
	addr := net.ParseIP(ip)
	matched := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		var ok bool
		if strings.Contains(p, "/") {
			_, n, err := net.ParseCIDR(p)
			ok = err == nil && addr != nil && n.Contains(addr)
		} else {
			ok = wildmatch(strings.ToLower(p), strings.ToLower(ip))
		}
		if ok {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}
