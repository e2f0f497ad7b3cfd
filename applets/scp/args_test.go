package scp

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	opts, ops, err := parseArgs([]string{"-rp", "-P2222", "-l", "800", "a", "-q", "h:b", "--", "-c"})
	want := []opt{{'r', ""}, {'p', ""}, {'P', "2222"}, {'l', "800"}, {'q', ""}}
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
	for _, o := range []opt{{'l', "x"}, {'l', "0"}, {'P', "70000"}, {'X', "buffer=0"}, {'X', "what=1"}} {
		inv := &invocation{}
		if msg := inv.apply([]opt{o}); msg == "" {
			t.Errorf("-%c %s accepted", o.ch, o.val)
		}
	}
}

// FuzzParseArgs: any argv parses or fails with a message, and every value
// option that parsed has the value it was given.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"-rp\x00a\x00h:b", "-P\x0022\x00x\x00y", "-P22", "--\x00-r", "-Z", "-l"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		opts, ops, err := parseArgs(args)
		if err != nil {
			if opts != nil || ops != nil {
				t.Fatalf("%q: results with an error", args)
			}
			return
		}
		if len(ops) > len(args) {
			t.Fatalf("%q: more operands than words", args)
		}
	})
}
