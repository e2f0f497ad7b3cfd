package server

import (
	"testing"
	"time"

	"sshbox/sshcore/tun"
)

func TestTunnelPermitted(t *testing.T) {
	for permit, want := range map[string]tun.Mode{
		"yes":            tun.PointToPoint | tun.Ethernet,
		"point-to-point": tun.PointToPoint,
		"ethernet":       tun.Ethernet,
		"no":             0,
		"":               0,
	} {
		if got := tunModesPermitted(permit); got != want {
			t.Errorf("PermitTunnel %q: modes %b, want %b", permit, got, want)
		}
	}
}

// TestTunnelKeyOption: tunnel="n" names one unit or any; anything else
// makes the line invalid, as OpenSSH's "invalid tun device"; restrict
// leaves tunnels alone, as OpenSSH's does.
func TestTunnelKeyOption(t *testing.T) {
	for _, c := range []struct {
		opts   []string
		force  bool
		unit   uint32
		failed bool
	}{
		{nil, false, 0, false},
		{[]string{`tunnel="0"`}, true, 0, false},
		{[]string{`tunnel="12"`}, true, 12, false},
		{[]string{`tunnel="any"`}, true, tun.Any, false},
		{[]string{`restrict`}, false, 0, false},
		{[]string{`tunnel="x"`}, false, 0, true},
		{[]string{`tunnel="-1"`}, false, 0, true},
		{[]string{`tunnel="2147483647"`}, false, 0, true},
		{[]string{`tunnel`}, false, 0, true},
	} {
		ko, err := parseKeyOptions(c.opts, time.Now())
		if (err != nil) != c.failed {
			t.Errorf("%q: error %v, want failure %v", c.opts, err, c.failed)
			continue
		}
		if err == nil && (ko.ForceTun != c.force || ko.TunDevice != c.unit) {
			t.Errorf("%q: force %v unit %d, want %v %d", c.opts, ko.ForceTun, ko.TunDevice, c.force, c.unit)
		}
	}
}
