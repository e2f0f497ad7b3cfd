package sshkeyscan

import (
	"io"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	o, status := parseArgs([]string{"-4Hc", "-p2222", "-T", "3", "-t", "ssh-ed25519,ed25519,rsa", "host"}, io.Discard)
	if o == nil || o.network != "tcp4" || !o.hash || !o.certs || o.port != 2222 || o.timeout != 3 ||
		strings.Join(o.types, ",") != "ed25519,rsa" || strings.Join(o.hosts, ",") != "host" {
		t.Fatalf("%+v %d", o, status)
	}
	for args, want := range map[string]int{"-p 0 h": 1, "-T 0 h": 1, "-t foo h": 255, "-t dsa h": 255, "": 1, "-Z h": 1} {
		var stderr strings.Builder
		if o, status := parseArgs(strings.Fields(args), &stderr); o != nil || status != want || stderr.Len() == 0 {
			t.Errorf("%q: status %d, want %d", args, status, want)
		}
	}
}
