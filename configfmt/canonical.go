package configfmt

import (
	"context"
	"fmt"
	"net"
	"strings"
)

// Host name canonicalization (CanonicalizeHostname, CanonicalDomains,
// CanonicalizeMaxDots, CanonicalizeFallbackLocal,
// CanonicalizePermittedCNAMEs), as OpenSSH's ssh.c resolve_canonicalize
// and check_follow_cname: a short name that resolves under one of the
// domains becomes that full name, and the files are read again for it,
// so that "Host *.example.com" blocks apply to "ssh web1".

// Resolvers, replaced by the tests.
var (
	lookupHost = func(name string) bool {
		addrs, err := net.DefaultResolver.LookupHost(context.Background(), name)
		return err == nil && len(addrs) > 0
	}
	lookupCNAME = func(name string) string {
		c, err := net.DefaultResolver.LookupCNAME(context.Background(), name)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(c, ".")
	}
)

// canonicalize sets HostName to the canonical name, if one is found; with
// CanonicalizeFallbackLocal no, a name found under no domain is an error.
func (e *clientEval) canonicalize() error {
	o := e.o
	host := strings.ToLower(e.hostname())
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return nil // an address is never canonicalized
	}
	// A name a proxy or jump host will resolve is left alone, unless
	// "always".
	direct := (o.ProxyCommand == "" || o.ProxyCommand == "none") && (o.ProxyJump == "" || o.ProxyJump == "none")
	if !direct && o.CanonicalizeHostname != "always" {
		return nil
	}
	var tries []string
	switch {
	case strings.HasSuffix(host, "."):
		tries = []string{host} // anchored: resolved as it is
	case strings.Count(host, ".") > o.CanonicalizeMaxDots:
		return nil // qualified enough already
	default:
		for _, d := range o.CanonicalDomains {
			if d == "none" {
				break
			}
			tries = append(tries, host+"."+d+".")
		}
	}
	for _, full := range tries {
		if !lookupHost(full) {
			continue
		}
		name := strings.TrimSuffix(full, ".")
		if c := e.followCNAME(name, direct); c != "" {
			name = c
		}
		if name != host {
			o.Canonicalized = host
		}
		o.HostName = name
		e.seen["hostname"] = true
		return nil
	}
	if !o.CanonicalizeFallbackLocal {
		return fmt.Errorf("ssh: Could not resolve host %q", host)
	}
	return nil
}

// followCNAME returns the target of name's CNAME when a
// CanonicalizePermittedCNAMEs rule allows the pair, else "".
func (e *clientEval) followCNAME(name string, direct bool) string {
	o := e.o
	if len(o.CanonicalizePermittedCNAMEs) == 0 || o.CanonicalizePermittedCNAMEs[0] == "none" {
		return ""
	}
	cname := strings.ToLower(lookupCNAME(name + "."))
	if cname == "" || cname == name {
		return ""
	}
	for _, rule := range o.CanonicalizePermittedCNAMEs {
		src, dst, _ := strings.Cut(rule, ":")
		if MatchList(name, src, true) == 1 && MatchList(cname, dst, true) == 1 {
			return cname
		}
	}
	return ""
}

// setCanonicalDomains checks the domains as OpenSSH's valid_domain does,
// lowercased and without a final dot; "none" only alone.
func setCanonicalDomains(o *ClientOptions, a []string, _ bool) error {
	var out []string
	for _, d := range a {
		if strings.EqualFold(d, "none") && len(a) > 1 {
			return fmt.Errorf(`keyword canonicaldomains "none" argument must appear alone.`)
		}
		d, err := validDomain(d)
		if err != nil {
			return err
		}
		out = append(out, d)
	}
	o.CanonicalDomains = out
	return nil
}

func validDomain(d string) (string, error) {
	if d == "" {
		return "", fmt.Errorf("empty domain name")
	}
	if c := d[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
		return "", fmt.Errorf("domain name %q starts with invalid character", d)
	}
	d = strings.ToLower(d)
	if strings.Contains(d, "..") {
		return "", fmt.Errorf("domain name %q contains consecutive separators", d)
	}
	if strings.Trim(d, "abcdefghijklmnopqrstuvwxyz0123456789.-_") != "" {
		return "", fmt.Errorf("domain name %q contains invalid characters", d)
	}
	return strings.TrimSuffix(d, "."), nil
}

// setPermittedCNAMEs keeps CanonicalizePermittedCNAMEs rules
// ("sources:targets", pattern lists), lowercased; "none" only alone.
func setPermittedCNAMEs(o *ClientOptions, a []string, _ bool) error {
	var out []string
	for _, r := range a {
		r = strings.ToLower(r)
		if r == "none" {
			if len(a) > 1 {
				return fmt.Errorf(`keyword canonicalizePermittedcnames "none" argument must appear alone.`)
			}
			out = append(out, r)
			continue
		}
		src, dst, ok := strings.Cut(r, ":")
		if !ok || src == "" || dst == "" || strings.Contains(dst, ":") {
			return fmt.Errorf("Invalid permitted CNAME %q", r)
		}
		out = append(out, r)
	}
	o.CanonicalizePermittedCNAMEs = out
	return nil
}

// noneIfEmpty prints a list keyword as ssh -G does: joined, or "none".
func noneIfEmpty(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, " ")
}
