package configfmt

import (
	"strings"
	"testing"
)

// TestCanonicalize drives canonicalization with made-up DNS answers:
// which domain is tried, max dots, proxies, CNAME rules, the fallback.
func TestCanonicalize(t *testing.T) {
	known := map[string]bool{"web.b.test.": true, "alias.b.test.": true, "db.a.test.": true}
	cnames := map[string]string{"alias.b.test.": "real.c.test"}
	oldHost, oldCNAME := lookupHost, lookupCNAME
	defer func() { lookupHost, lookupCNAME = oldHost, oldCNAME }()
	var asked []string
	lookupHost = func(n string) bool { asked = append(asked, n); return known[n] }
	lookupCNAME = func(n string) string { return cnames[n] }
	for _, tc := range []struct {
		host      string
		overrides []string
		want      string
		err       string
	}{
		{"web", []string{"CanonicalizeHostname yes", "CanonicalDomains a.test b.test"}, "web.b.test", ""},
		{"web", []string{"CanonicalizeHostname no", "CanonicalDomains a.test b.test"}, "web", ""},
		{"web", []string{"CanonicalizeHostname yes", "CanonicalDomains a.test"}, "web", ""},
		{"web", []string{"CanonicalizeHostname yes", "CanonicalDomains a.test", "CanonicalizeFallbackLocal no"}, "", `Could not resolve host "web"`},
		{"web.x", []string{"CanonicalizeHostname yes", "CanonicalDomains b.test"}, "web.x", ""},
		{"web", []string{"CanonicalizeHostname yes", "CanonicalDomains b.test", "ProxyJump j"}, "web", ""},
		{"web", []string{"CanonicalizeHostname always", "CanonicalDomains b.test", "ProxyJump j"}, "web.b.test", ""},
		{"alias", []string{"CanonicalizeHostname yes", "CanonicalDomains b.test"}, "alias.b.test", ""},
		{"alias", []string{"CanonicalizeHostname yes", "CanonicalDomains b.test", "CanonicalizePermittedCNAMEs *.b.test:*.c.test"}, "real.c.test", ""},
		{"alias", []string{"CanonicalizeHostname yes", "CanonicalDomains b.test", "CanonicalizePermittedCNAMEs *.b.test:*.d.test"}, "alias.b.test", ""},
		{"DB", []string{"CanonicalizeHostname yes", "CanonicalDomains A.Test."}, "db.a.test", ""},
		{"10.0.0.1", []string{"CanonicalizeHostname yes", "CanonicalDomains b.test", "CanonicalizeFallbackLocal no"}, "10.0.0.1", ""},
	} {
		asked = nil
		o, err := LoadClient(nil, tc.overrides, tc.host, "")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %q: error %v, want %q", tc.host, tc.overrides, err, tc.err)
			}
			continue
		}
		if err != nil || o.HostName != tc.want {
			t.Errorf("%s %q: HostName %q, %v; want %q (asked %q)", tc.host, tc.overrides, o.HostName, err, tc.want, asked)
		}
	}
}

func TestCanonicalKeywordErrors(t *testing.T) {
	for _, line := range []string{
		"CanonicalDomains -bad", "CanonicalDomains a..b", "CanonicalDomains a none", "CanonicalDomains a/b",
		"CanonicalizePermittedCNAMEs nocolon", "CanonicalizePermittedCNAMEs a:b:c", "CanonicalizeHostname maybe",
	} {
		if _, err := LoadClient(nil, []string{line}, "h", ""); err == nil {
			t.Errorf("%q accepted", line)
		}
	}
}
