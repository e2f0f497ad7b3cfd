package optscan

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	opts, rest, err := Parse([]string{"-lv", "-t2", "-E", "md5", "--", "-x", "y"}, "lvt:E:")
	if err != nil {
		t.Fatal(err)
	}
	want := []Opt{{'l', ""}, {'v', ""}, {'t', "2"}, {'E', "md5"}}
	if !reflect.DeepEqual(opts, want) || !reflect.DeepEqual(rest, []string{"-x", "y"}) {
		t.Errorf("got %v %v", opts, rest)
	}
	if _, rest, _ := Parse([]string{"-l", "cmd", "-v"}, "lv"); !reflect.DeepEqual(rest, []string{"cmd", "-v"}) {
		t.Errorf("options after the first operand were taken: %v", rest)
	}
	for args, msg := range map[string]string{"-Z": "unknown option -- Z", "-t": "option requires an argument -- t"} {
		if _, _, err := Parse([]string{args}, "lvt:"); err == nil || err.Error() != msg {
			t.Errorf("%s: %v, want %q", args, err, msg)
		}
	}
}
