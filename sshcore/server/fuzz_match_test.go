package server

import (
	"net"
	"strings"
	"testing"
)

// FuzzSourceAddress: a certificate's source-address critical option (and
// an authorized_keys from= list) matched against a client address never
// panics, and behaves as OpenSSH's match_host_and_ip on the simple cases:
// an address is allowed by a list naming it, refused by one negating it.
func FuzzSourceAddress(f *testing.F) {
	f.Add("10.0.0.0/8,192.0.2.1", "10.1.2.3")
	f.Add("!10.0.0.1,10.0.0.0/24", "10.0.0.1")
	f.Add("2001:db8::/32", "2001:db8::5")
	f.Add("*.example.com,192.0.2.?", "192.0.2.7")
	f.Add("10.0.0.0/33", "10.0.0.1")
	f.Add("", "UNKNOWN")
	f.Fuzz(func(t *testing.T, list, ip string) {
		patterns := splitList(list)
		got := matchHostIP(patterns, ip, ip)
		if net.ParseIP(ip) == nil || strings.ContainsAny(ip, "*?!,") {
			return
		}
		if !matchHostIP([]string{ip}, ip, ip) {
			t.Fatalf("%q does not match itself", ip)
		}
		if matchHostIP(append([]string{"!" + ip}, patterns...), ip, ip) {
			t.Fatalf("!%q does not refuse %q", ip, ip)
		}
		if got && !matchHostIP(append(patterns, "192.0.2.200"), ip, ip) {
			t.Fatalf("adding an entry to %q refused %q", list, ip)
		}
	})
}

// FuzzCertSourceAddress: a certificate's source-address list is valid
// only as addresses and CIDR blocks, never a pattern; a valid list that
// names the address admits it.
func FuzzCertSourceAddress(f *testing.F) {
	f.Add("10.0.0.0/8,192.0.2.1", "10.1.2.3")
	f.Add("*", "10.1.2.3")
	f.Add("!10.0.0.1", "10.0.0.1")
	f.Add("10.0.0.1/8", "10.0.0.1")
	f.Add("2001:db8::/32", "2001:db8::5")
	f.Add("", "UNKNOWN")
	f.Fuzz(func(t *testing.T, list, ip string) {
		ok, err := matchCIDRList(list, ip)
		if err == nil && strings.ContainsAny(list, "*?!") {
			t.Fatalf("%q accepted as an address list", list)
		}
		if err != nil && ok {
			t.Fatalf("%q: invalid yet matched", list)
		}
		if net.ParseIP(ip) == nil || err != nil {
			return
		}
		if ok2, err2 := matchCIDRList(list+","+ip, ip); err2 != nil || !ok2 {
			t.Fatalf("%q plus %q refused %q: %v", list, ip, ip, err2)
		}
	})
}
