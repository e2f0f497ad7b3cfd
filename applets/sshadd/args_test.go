package sshadd

import (
	"io"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	o, ok := parseArgs([]string{"-cqk", "-t2m", "-E", "md5", "a", "b"}, io.Discard)
	if !ok || !o.confirm || !o.quiet || !o.keyOnly || o.lifetime != 120 || o.hash != "md5" || strings.Join(o.files, ",") != "a,b" {
		t.Fatalf("%+v", o)
	}
	if o, ok := parseArgs([]string{"-T", "k.pub"}, io.Discard); !ok || !o.test || strings.Join(o.files, ",") != "k.pub" {
		t.Errorf("-T: %+v", o)
	}
	// Constraints sshbox cannot honour are refused, not dropped.
	for _, bad := range [][]string{{"-h", "host"}, {"-s", "lib.so"}, {"-t", "0"}, {"-t", "x"}, {"-Z"}, {"-E", "sha1"}} {
		var stderr strings.Builder
		if _, ok := parseArgs(bad, &stderr); ok || stderr.Len() == 0 {
			t.Errorf("%q accepted", bad)
		}
	}
}
