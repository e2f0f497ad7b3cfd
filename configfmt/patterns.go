package configfmt

import (
	"net"
	"strings"
)

// OpenSSH's pattern language (match.c): '*' and '?' wildcards, '!' negates,
// comma-separated lists where any negated match vetoes. The one matcher for
// ssh_config, sshd_config and known_hosts host fields.

// MatchPattern matches s against one wildcard pattern: '*' any run, '?' one
// character, as OpenSSH's match_pattern.
func MatchPattern(s, pat string) bool {
	// Iterative glob with backtracking on the last '*': linear enough for
	// fuzzed input, no recursion.
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pat) && (pat[pi] == '?' || pat[pi] == s[si]):
			si++
			pi++
		case pi < len(pat) && pat[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}

// MatchList matches s against a comma-separated pattern list: 1 for a
// match, 0 for none, -1 when a negated pattern matched. fold lowercases s
// and the patterns, as OpenSSH does for host names.
func MatchList(s, list string, fold bool) int {
	if fold {
		s = strings.ToLower(s)
		list = strings.ToLower(list)
	}
	got := 0
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if MatchPattern(s, p) {
			if neg {
				return -1
			}
			got = 1
		}
	}
	return got
}

// matchHostAndAddr is sshd's Match Host: the name, or the address, matches
// the list.
func matchHostAndAddr(host, addr, list string) bool {
	h := MatchList(host, list, true)
	a := MatchList(addr, list, true)
	if h == -1 || a == -1 {
		return false
	}
	return h == 1 || a == 1
}

// matchAddrList is sshd's Match Address / LocalAddress: patterns or CIDR
// blocks, '!' negating. It returns -2 on a malformed CIDR block (host bits
// set included) so the
// caller can name the line.
func matchAddrList(addr, list string) int {
	ip := net.ParseIP(addr)
	got := 0
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		var hit bool
		if strings.Contains(p, "/") {
			base, n, err := net.ParseCIDR(p)
			if err != nil || !base.Equal(n.IP) {
				// OpenSSH refuses a block with host bits set
				// (10.0.1.0/8): it is a typo more often than not.
				return -2
			}
			hit = ip != nil && n.Contains(ip)
		} else {
			hit = MatchPattern(strings.ToLower(addr), strings.ToLower(p))
		}
		if hit {
			if neg {
				return -1
			}
			got = 1
		}
	}
	return got
}
