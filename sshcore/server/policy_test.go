package server

import (
	"strings"
	"testing"

	"sshbox/configfmt"
)

func TestParseMaxStartups(t *testing.T) {
	good := map[string]startups{"10:30:100": {10, 30, 100}, "5": {5, 100, 5}, "1:0:1": {1, 0, 1}}
	for in, want := range good {
		if got, err := parseMaxStartups(in); err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a", "1:2", "10:101:20", "20:30:10", "-1", "0:0:0", "1:2:3:4"} {
		if _, err := parseMaxStartups(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestStartupsDrop(t *testing.T) {
	st := startups{10, 30, 100}
	never, always := func() int { return 99 }, func() int { return 0 }
	if st.drop(9, always) || !st.drop(100, never) || !st.drop(150, never) {
		t.Fatal("below start or at full")
	}
	// Halfway between start and full: 30 + 70*45/90 = 65%.
	if st.drop(55, func() int { return 65 }) || !st.drop(55, func() int { return 64 }) {
		t.Fatal("linear rise")
	}
}

func TestNextMethods(t *testing.T) {
	o := &configfmt.ServerOptions{PubkeyAuthentication: true, PasswordAuthentication: true, KbdInteractiveAuthentication: true,
		AuthenticationMethods: []string{"publickey,password", "publickey,keyboard-interactive:pam", "password"}}
	next, done := nextMethods(o, nil)
	if done || !next["publickey"] || !next["password"] || next["keyboard-interactive"] {
		t.Fatalf("first: %v %v", next, done)
	}
	next, done = nextMethods(o, []string{"publickey"})
	if done || next["publickey"] || !next["password"] || !next["keyboard-interactive"] {
		t.Fatalf("after publickey: %v %v", next, done)
	}
	if _, done = nextMethods(o, []string{"publickey", "keyboard-interactive"}); !done {
		t.Fatal("publickey,keyboard-interactive not complete")
	}
	if _, done = nextMethods(o, []string{"password"}); !done {
		t.Fatal("password list not complete")
	}
	o.AuthenticationMethods = []string{"any"}
	if _, done = nextMethods(o, []string{"password"}); !done {
		t.Fatal("any")
	}
}

func TestUserPatternMatch(t *testing.T) {
	for _, c := range []struct {
		pat, name, ip string
		want          bool
	}{
		{"alice", "alice", "1.2.3.4", true},
		{"al*", "alice", "1.2.3.4", true},
		{"bob", "alice", "1.2.3.4", false},
		{"alice@1.2.3.0/24", "alice", "1.2.3.4", true},
		{"alice@1.2.4.0/24", "alice", "1.2.3.4", false},
		{"*@127.0.0.?", "x", "127.0.0.1", true},
	} {
		if got := userPatternMatch(c.pat, c.name, c.ip, c.ip); got != c.want {
			t.Errorf("%q %q %q: %v", c.pat, c.name, c.ip, got)
		}
	}
}

func TestSplitPrincipalLine(t *testing.T) {
	opts, p, err := splitPrincipalLine(`command="echo a b",no-pty admins`)
	if err != nil || p != "admins" || len(opts) != 2 || opts[0] != `command="echo a b"` {
		t.Fatalf("%q %q %v", opts, p, err)
	}
	if _, p, _ := splitPrincipalLine("  ops  "); p != "ops" {
		t.Fatalf("plain: %q", p)
	}
	if _, p, _ := splitPrincipalLine("# comment"); p != "" {
		t.Fatalf("comment: %q", p)
	}
	if _, _, err := splitPrincipalLine(`command="x admins`); err == nil {
		t.Fatal("unterminated quote accepted")
	}
	// A blank between options would hide the from= after it.
	if opts, p, err := splitPrincipalLine(`command="echo x" from="10.0.0.0/8" admins`); err == nil {
		t.Fatalf("blank-separated options accepted: %q %q", opts, p)
	}
}

func FuzzParseMaxStartups(f *testing.F) {
	for _, s := range []string{"10:30:100", "5", "1:2", ":::", "9999999999999999999:1:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := parseMaxStartups(s)
		if err == nil && (st.Start > st.Full || st.Rate > 100) {
			t.Fatalf("%q gave %+v", s, st)
		}
	})
}

func FuzzSplitPrincipalLine(f *testing.F) {
	for _, s := range []string{`command="echo a b",no-pty admins`, "ops", `"`, `a\" b`, "x,,y z", `command="x" from="y" p`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		opts, p, err := splitPrincipalLine(s)
		if err == nil && strings.ContainsAny(p, " \t") {
			t.Fatalf("%q: principal %q with blanks (opts %q)", s, p, opts)
		}
	})
}
