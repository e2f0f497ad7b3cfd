package sftp

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{"get a b", []string{"get", "a", "b"}, true},
		{`put "my file" 'x y'`, []string{"put", "my file", "x y"}, true},
		{`rm a\ b`, []string{"rm", "a b"}, true},
		{`rm "*"`, []string{"rm", `\*`}, true},
		{`ls *.txt`, []string{"ls", "*.txt"}, true},
		{`  `, nil, true},
		{`get "open`, nil, false},
		{`get x\`, []string{"get", "x"}, true},
		{`ls a#b c`, []string{"ls", "a"}, true},
		{`ls "a#b"`, []string{"ls", "a#b"}, true},
		{`ls a\\b a\nb`, []string{"ls", `a\\b`, "anb"}, true},
		{`ls "a\nb" 'it\'s' "a\*"`, []string{"ls", `a\nb`, "it's", `a\\\*`}, true},
		{`ls "]"`, []string{"ls", "]"}, true},
	} {
		got, err := splitLine(tc.in)
		if (err == nil) != tc.ok || (tc.ok && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%q: %q %v", tc.in, got, err)
		}
	}
}

func TestParseArgs(t *testing.T) {
	opts, ops, err := parseArgs([]string{"-pr", "-P2222", "-b", "f", "host", "-q"})
	if err != nil || len(opts) != 5 || opts[2].Arg != "2222" || opts[3].Arg != "f" || !reflect.DeepEqual(ops, []string{"host"}) {
		t.Errorf("%v %v %v", opts, ops, err)
	}
	if _, _, err := parseArgs([]string{"-z"}); err == nil || err.Error() != "unknown option -- z" {
		t.Errorf("-z: %v", err)
	}
	if _, _, err := parseArgs([]string{"-b"}); err == nil || err.Error() != "option requires an argument -- b" {
		t.Errorf("-b: %v", err)
	}
}

func FuzzSplitLine(f *testing.F) {
	for _, s := range []string{"get a b", `put "my file" 'x y'`, `rm a\ b`, `ls "*"`, `x\`, `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitLine(s)
		if err != nil {
			return
		}
		// An empty word needs quotes, or a backslash with nothing after
		// it (as in OpenSSH's makeargv, which ends the word there).
		for _, w := range words {
			if w == "" && !containsQuote(s) && !strings.Contains(s, `\`) {
				t.Fatalf("%q gave an empty word without quotes", s)
			}
		}
	})
}

func containsQuote(s string) bool {
	for _, c := range s {
		if c == '"' || c == '\'' {
			return true
		}
	}
	return false
}
