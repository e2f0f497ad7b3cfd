package sshfp

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestReadConfig(t *testing.T) {
	t.Setenv("RES_OPTIONS", "")
	f := filepath.Join(t.TempDir(), "resolv.conf")
	os.WriteFile(f, []byte(`# comment
; comment
domain example
search a.example b.example
nameserver 192.0.2.1
nameserver  fe80::1%eth0
nameserver not-an-address
nameserver 2001:db8::53
nameserver 192.0.2.4
options ndots:2 timeout:3 attempts:9 rotate
options trust-ad edns0 use-vc timeout:100
`), 0o644)
	c := readConfig(f)
	want := &config{
		servers:  []string{"192.0.2.1:53", "[fe80::1%eth0]:53", "[2001:db8::53]:53"},
		timeout:  30 * time.Second,
		attempts: 5,
		rotate:   true, trustAD: true, useVC: true,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
	c = readConfig(filepath.Join(t.TempDir(), "missing"))
	want = &config{servers: []string{"127.0.0.1:53"}, timeout: 5 * time.Second, attempts: 2}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("no file: got %+v\nwant %+v", c, want)
	}
	t.Setenv("RES_OPTIONS", "trust-ad attempts:1")
	if c = readConfig(f + ".none"); !c.trustAD || c.attempts != 1 {
		t.Errorf("RES_OPTIONS: %+v", c)
	}
}
