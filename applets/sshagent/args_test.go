package sshagent

import (
	"io"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	o, _, ok := parseArgs([]string{"-s", "-t1h", "-a", "/x/sock", "-E", "md5"}, io.Discard)
	if !ok || !o.sh || o.lifetime != 3600 || o.bind != "/x/sock" || o.hash != "md5" {
		t.Fatalf("%+v", o)
	}
	o, _, ok = parseArgs([]string{"-t", "30", "sh", "-c", "ssh-add -l"}, io.Discard)
	if !ok || strings.Join(o.command, " ") != "sh -c ssh-add -l" {
		t.Fatalf("command: %+v", o)
	}
	// The usage's status 1; fatal()'s 255 for -E and -O, as OpenSSH's.
	for _, bad := range [][]string{{"-c", "-s"}, {"-d", "-D"}, {"-k", "-D"}, {"-s", "sh"}, {"-t", "1x"}, {"-E", "sha1"}, {"-O", "bogus"}, {"-Z"}, {"-a"}} {
		var stderr strings.Builder
		want := 1
		if bad[0] == "-E" || bad[0] == "-O" {
			want = 255
		}
		if _, status, ok := parseArgs(bad, &stderr); ok || status != want || stderr.Len() == 0 {
			t.Errorf("%q accepted (status %d)", bad, status)
		}
	}
}
