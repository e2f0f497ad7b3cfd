package scp

import (
	"reflect"
	"strings"
	"testing"

	"sshbox/internal/getopt"
)

func TestParseArgs(t *testing.T) {
	opts, ops, err := parseArgs([]string{"-rp", "-P2222", "-l", "800", "a", "-q", "h:b", "--", "-c"})
	want := []getopt.Option{{Name: "r", Arg: ""}, {Name: "p", Arg: ""}, {Name: "P", Arg: "2222"}, {Name: "l", Arg: "800"}, {Name: "q", Arg: ""}}
	if err != nil || !reflect.DeepEqual(opts, want) || !reflect.DeepEqual(ops, []string{"a", "h:b", "-c"}) {
		t.Errorf("%v %v %v", opts, ops, err)
	}
	for args, msg := range map[string]string{"-Z": "unknown option -- Z", "-P": "option requires an argument -- P"} {
		if _, _, err := parseArgs([]string{args}); err == nil || err.Error() != msg {
			t.Errorf("%s: %v", args, err)
		}
	}
}

func TestApplyBadValues(t *testing.T) {
	for _, o := range []getopt.Option{{Name: "l", Arg: "x"}, {Name: "l", Arg: "0"}, {Name: "P", Arg: "70000"}, {Name: "X", Arg: "buffer=0"}, {Name: "X", Arg: "what=1"}} {
		inv := &invocation{}
		if msg := inv.apply([]getopt.Option{o}); msg == "" {
			t.Errorf("-%c %s accepted", o.Name[0], o.Arg)
		}
	}
}

// FuzzParseArgs: any argv parses or fails with a message; a failure has no
// operands (the options before the bad one stay, getopt's contract, for
// OpenSSH's act-as-you-go order), and there are never more operands than
// words.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"-rp\x00a\x00h:b", "-P\x0022\x00x\x00y", "-P22", "--\x00-r", "-Z", "-l"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		opts, ops, err := parseArgs(args)
		if err != nil {
			if ops != nil {
				t.Fatalf("%q: operands with an error", args)
			}
			for _, o := range opts {
				if !strings.Contains(optString, o.Name) {
					t.Fatalf("%q: option %q with an error", args, o.Name)
				}
			}
			return
		}
		if len(ops) > len(args) {
			t.Fatalf("%q: more operands than words", args)
		}
	})
}
