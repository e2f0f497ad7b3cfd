package server

import (
	"os/user"
	"strconv"
	"strings"

	"sshbox/configfmt"
)

func init() { admissionChecks = append(admissionChecks, checkUserLists) }

// checkUserLists applies DenyUsers, AllowUsers, DenyGroups and AllowGroups
// in OpenSSH's order. A user pattern may be "user@host", the host part
// matched against the client's name (UseDNS yes) and address (wildcards,
// CIDR blocks), as OpenSSH's match_user.
func checkUserLists(c *conn, a *admission) string {
	o := a.opts
	for _, p := range o.DenyUsers {
		if userPatternMatch(p, a.name, c.remoteHost, c.remoteIP) {
			return whyDenyUsers
		}
	}
	if len(o.AllowUsers) > 0 {
		ok := false
		for _, p := range o.AllowUsers {
			if userPatternMatch(p, a.name, c.remoteHost, c.remoteIP) {
				ok = true
				break
			}
		}
		if !ok {
			return whyAllowUsers
		}
	}
	if len(o.DenyGroups) == 0 && len(o.AllowGroups) == 0 {
		return ""
	}
	groups := groupNames(a.acct)
	if len(o.DenyGroups) > 0 && anyGroupMatches(o.DenyGroups, groups) {
		return whyDenyGroups
	}
	if len(o.AllowGroups) > 0 && !anyGroupMatches(o.AllowGroups, groups) {
		return whyAllowGrps
	}
	return ""
}

// userPatternMatch matches one AllowUsers/DenyUsers entry: "pattern" or
// "pattern@hostpattern" (the last '@' splits, as in OpenSSH).
func userPatternMatch(pattern, name, host, ip string) bool {
	if i := strings.LastIndexByte(pattern, '@'); i >= 0 {
		if !matchHostIP([]string{pattern[i+1:]}, host, ip) {
			return false
		}
		pattern = pattern[:i]
	}
	return configfmt.MatchPattern(name, pattern)
}

// groupNames are the names of the account's primary and supplementary
// groups; a group id without a name is matched by its number.
func groupNames(a *account) []string {
	ids := append([]uint32{a.GID}, a.Groups...)
	var out []string
	seen := map[uint32]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		s := strconv.FormatUint(uint64(id), 10)
		if g, err := user.LookupGroupId(s); err == nil {
			s = g.Name
		}
		out = append(out, s)
	}
	return out
}

func anyGroupMatches(patterns, groups []string) bool {
	for _, g := range groups {
		for _, p := range patterns {
			if configfmt.MatchPattern(g, p) {
				return true
			}
		}
	}
	return false
}
