package tun

import "testing"

// TestParseDevice: OpenSSH's a2tun, as ssh -w and TunnelDevice read it.
func TestParseDevice(t *testing.T) {
	for _, c := range []struct {
		in            string
		local, remote uint32
		bad           bool
	}{
		{"0", 0, Any, false},
		{"0:1", 0, 1, false},
		{"any", Any, Any, false},
		{"ANY:any", Any, Any, false},
		{"any:3", Any, 3, false},
		{"2147483646", Max, Any, false},
		{"2147483647", 0, 0, true},
		{"-1", 0, 0, true},
		{"x", 0, 0, true},
		{"1:x", 0, 0, true},
		{"", 0, 0, true},
		{"1:", 0, 0, true},
	} {
		l, r, err := ParseDevice(c.in)
		if (err != nil) != c.bad || err == nil && (l != c.local || r != c.remote) {
			t.Errorf("%q: %d %d %v", c.in, l, r, err)
		}
	}
	if UnitText(Any) != "any" || UnitText(7) != "7" {
		t.Error("UnitText")
	}
}
