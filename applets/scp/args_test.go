package scp

import (
	"reflect"
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
