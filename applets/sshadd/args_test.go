package sshadd

import (
	"io"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	o, _ := parseArgs([]string{"-cqk", "-t2m", "-E", "md5", "a", "b"}, io.Discard)
	if o == nil || !o.confirm || !o.quiet || !o.keyOnly || o.lifetime != 120 || o.hash != "md5" || strings.Join(o.files, ",") != "a,b" {
		t.Fatalf("%+v", o)
	}
	if o, _ := parseArgs([]string{"-T", "k.pub"}, io.Discard); o == nil || !o.test || strings.Join(o.files, ",") != "k.pub" {
		t.Errorf("-T: %+v", o)
	}
	// Constraints sshbox cannot honour are kept to be refused where
	// OpenSSH would act on them.
	if o, _ := parseArgs([]string{"-l", "-h", "host", "-s", "lib.so"}, io.Discard); o == nil || o.unsupported != "h" {
		t.Errorf("-h: %+v", o)
	}
	// The first mistake in OpenSSH's order, with its status.
	for _, c := range []struct {
		args   []string
		status int
		text   string
	}{
		{[]string{"-lLZ"}, 255, "-l flag already specified\r\n"},
		{[]string{"-Xx"}, 255, "-X flag already specified\r\n"},
		{[]string{"-xl"}, 255, "Invalid combination of actions\r\n"},
		{[]string{"-Dx"}, 255, "Invalid combination of actions\r\n"},
		{[]string{"-E", "sha1", "-Z"}, 255, "Invalid hash algorithm \"sha1\"\r\n"},
		{[]string{"-Z", "-lL"}, 1, "unknown option -- Z\r\nusage: "},
		{[]string{"-x", "-C"}, 1, "unknown option -- C\r\nusage: "},
		{[]string{"-t", "x"}, 1, "Invalid lifetime\n"},
		{[]string{"-M", "0"}, 1, "usage: "},
	} {
		var stderr strings.Builder
		o, status := parseArgs(c.args, &stderr)
		if o != nil || status != c.status || !strings.HasPrefix(stderr.String(), c.text) {
			t.Errorf("%q: %d %q, want %d %q", c.args, status, stderr.String(), c.status, c.text)
		}
	}
}
