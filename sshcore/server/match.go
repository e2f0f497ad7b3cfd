// The server matches user-controlled patterns (from=, AcceptEnv,
// AllowUsers) in the privileged process, so it uses configfmt's one
// iterative matcher: no recursion, no exponential backtracking.

package server

import (
	"fmt"
	"net"
	"strings"

	"sshbox/configfmt"
)

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
		if configfmt.MatchPattern(s, p) {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}

// matchHostIP matches a from= list (patterns and CIDR blocks, negation
// with '!') against the client, as OpenSSH's match_host_and_ip: name
// patterns see host (the client's name under UseDNS yes, else its address
// text, as host is then), patterns and CIDR blocks its address ip. A
// negated entry that matches either refuses; otherwise any match admits.
func matchHostIP(patterns []string, host, ip string) bool {
	addr := net.ParseIP(ip)
	host = strings.ToLower(host)
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
			p = strings.ToLower(p)
			ok = configfmt.MatchPattern(host, p) || configfmt.MatchPattern(strings.ToLower(ip), p)
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

// matchCIDRList is OpenSSH's addr_match_cidr_list, which a certificate's
// source-address critical option is matched with: addresses and CIDR
// blocks only. A wildcard, a negation, a block with host bits set or
// anything else that is not an address makes the whole list invalid, and
// the certificate is then refused (host patterns would let "*" through).
func matchCIDRList(list, ip string) (bool, error) {
	addr := net.ParseIP(ip)
	matched := false
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(e)
		var n *net.IPNet
		if strings.Contains(e, "/") {
			a, block, err := net.ParseCIDR(e)
			if err != nil || !a.Equal(block.IP) {
				return false, fmt.Errorf("invalid address block %q", e)
			}
			n = block
		} else {
			a := net.ParseIP(e)
			if a == nil {
				return false, fmt.Errorf("invalid address %q", e)
			}
			bits := 8 * net.IPv6len
			if a4 := a.To4(); a4 != nil {
				a, bits = a4, 8*net.IPv4len
			}
			n = &net.IPNet{IP: a, Mask: net.CIDRMask(bits, bits)}
		}
		if addr != nil && n.Contains(addr) {
			matched = true
		}
	}
	return matched, nil
}
