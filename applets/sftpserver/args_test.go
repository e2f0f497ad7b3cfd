package sftpserver

import (
	"reflect"
	"testing"
)

// TestParseAttached: every flag that takes a value reads it attached and
// as the next word alike; operands (scp -D's "-- host sftp") are ignored.
func TestParseAttached(t *testing.T) {
	for _, c := range []struct {
		flag, val string
		check     func(o options) bool
	}{
		{"d", "/srv/%u", func(o options) bool { return o.startDir == "/srv/%u" }},
		{"u", "077", func(o options) bool { return o.umask == "077" }},
		{"Q", "requests", func(o options) bool { return o.query == "requests" }},
		{"P", "remove,rmdir", func(o options) bool { return reflect.DeepEqual(o.policy.Denied, []string{"remove", "rmdir"}) }},
		{"p", "open,read", func(o options) bool { return reflect.DeepEqual(o.policy.Allowed, []string{"open", "read"}) }},
		{"f", "AUTH", func(o options) bool { return true }},
		{"l", "DEBUG3", func(o options) bool { return true }},
	} {
		for _, argv := range [][]string{{"-" + c.flag + c.val}, {"-" + c.flag, c.val}, {"-eR" + c.flag, c.val, "--", "host", "sftp"}} {
			o, err := parse(argv)
			if err != nil || !c.check(o) {
				t.Errorf("sftp-server %q: %+v %v", argv, o, err)
			}
		}
	}
	if _, err := parse([]string{"-x"}); err == nil || err.Error() != "unknown option -- x" {
		t.Errorf("-x: %v", err)
	}
	if _, err := parse([]string{"-d"}); err == nil || err.Error() != "option requires an argument -- d" {
		t.Errorf("-d: %v", err)
	}
}
