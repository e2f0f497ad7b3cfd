package server

import (
	"strings"
	"testing"
	"time"
)

func TestServerPatterns(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"LC_*", "LC_ALL", true}, {"LC_*", "LANG", false}, {"*", "", true}, {"a?c", "abc", true},
		{"a?c", "ac", false}, {"*.example.com", "x.example.com", true}, {"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false}, {"", "", true}, {"", "x", false},
	} {
		if got := matchList([]string{c.p}, c.s, false); got != c.want {
			t.Errorf("matchList([%q], %q) = %v", c.p, c.s, got)
		}
	}
}

// A user controls from= patterns, which the privileged process matches:
// a pattern built to make a backtracking matcher explode must still be
// answered at once.
func TestHostilePatternIsCheap(t *testing.T) {
	// With a backtracking matcher this takes C(32,14) steps: minutes.
	hostile := strings.Repeat("*1", 14) + "*x"
	done := make(chan bool, 1)
	go func() {
		done <- matchHostIP([]string{hostile}, "1111:1111:1111:1111:1111:1111:1111:1111", "1111:1111:1111:1111:1111:1111:1111:1111")
	}()
	select {
	case got := <-done:
		if got {
			t.Fatal("hostile pattern matched")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("matching a hostile from= pattern did not finish in 10s")
	}
}

func TestMatchListAndHostIP(t *testing.T) {
	if !matchList([]string{"LANG", "LC_*"}, "LC_TIME", false) || matchList([]string{"LC_*", "!LC_X"}, "LC_X", false) {
		t.Error("matchList")
	}
	cases := []struct {
		list []string
		ip   string
		want bool
	}{
		{[]string{"127.0.0.1"}, "127.0.0.1", true},
		{[]string{"10.0.0.0/8"}, "10.2.3.4", true},
		{[]string{"10.0.0.0/8", "!10.1.0.0/16"}, "10.1.2.3", false},
		{[]string{"192.168.*"}, "192.168.1.1", true},
		{[]string{"::1/128"}, "::1", true},
		{[]string{"10.0.0.0/8"}, "127.0.0.1", false},
		{[]string{"bad/cidr"}, "127.0.0.1", false},
	}
	for _, c := range cases {
		if got := matchHostIP(c.list, c.ip, c.ip); got != c.want {
			t.Errorf("matchHostIP(%v, %s) = %v", c.list, c.ip, got)
		}
	}
	// UseDNS yes: names match the client's name, addresses its address,
	// and a negated match of either refuses.
	named := []struct {
		list []string
		want bool
	}{
		{[]string{"*.Example.test"}, true},
		{[]string{"10.0.0.0/8"}, true},
		{[]string{"10.1.2.*"}, true},
		{[]string{"*.other.test"}, false},
		{[]string{"*.example.test", "!10.1.2.3"}, false},
		{[]string{"10.0.0.0/8", "!web.example.test"}, false},
	}
	for _, c := range named {
		if got := matchHostIP(c.list, "WEB.example.test", "10.1.2.3"); got != c.want {
			t.Errorf("matchHostIP(%v, web.example.test, 10.1.2.3) = %v", c.list, got)
		}
	}
}

// A certificate's source-address takes addresses and CIDR blocks only, as
// OpenSSH's addr_match_cidr_list: a pattern makes the list invalid.
func TestMatchCIDRList(t *testing.T) {
	for _, c := range []struct {
		list, ip string
		want     bool
		invalid  bool
	}{
		{"10.0.0.0/8", "10.1.2.3", true, false},
		{"192.0.2.1,10.0.0.0/8", "192.0.2.1", true, false},
		{"10.0.0.0/8", "192.0.2.1", false, false},
		{"2001:db8::/32", "2001:db8::5", true, false},
		{"2001:db8::1", "2001:db8::1", true, false},
		{"*", "10.1.2.3", false, true},
		{"10.0.0.*", "10.0.0.1", false, true},
		{"!10.0.0.1", "192.0.2.1", false, true},
		{"10.0.0.1/8", "10.0.0.1", false, true},
		{"host.example", "10.0.0.1", false, true},
		{"", "10.0.0.1", false, true},
	} {
		got, err := matchCIDRList(c.list, c.ip)
		if got != c.want || (err != nil) != c.invalid {
			t.Errorf("%q for %s: %v, %v; want %v, invalid %v", c.list, c.ip, got, err, c.want, c.invalid)
		}
	}
}
