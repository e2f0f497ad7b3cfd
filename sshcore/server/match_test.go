package server

import "testing"

func TestWildmatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"LC_*", "LC_ALL", true}, {"LC_*", "LANG", false}, {"*", "", true}, {"a?c", "abc", true},
		{"a?c", "ac", false}, {"*.example.com", "x.example.com", true}, {"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false}, {"", "", true}, {"", "x", false},
	} {
		if got := wildmatch(c.p, c.s); got != c.want {
			t.Errorf("wildmatch(%q, %q) = %v", c.p, c.s, got)
		}
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
		if got := matchHostIP(c.list, c.ip); got != c.want {
			t.Errorf("matchHostIP(%v, %s) = %v", c.list, c.ip, got)
		}
	}
}
