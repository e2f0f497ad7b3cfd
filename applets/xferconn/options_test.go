package xferconn

import "testing"

func TestSFTPOption(t *testing.T) {
	for _, c := range []struct {
		in        string
		buf, reqs int
		msg       string
	}{
		{"buffer=32768", 32768, 0, ""},
		{"buffer=64K", 65536, 0, ""},
		{"buffer=1.5K", 1536, 0, ""},
		{"buffer=256K", 261120, 0, ""}, // more than sftp-server serves whole
		{"buffer=300K", 0, 0, `Invalid buffer size "300K": Invalid argument`},
		{"buffer=x", 0, 0, `Invalid buffer size "x": Invalid argument`},
		{"nrequests=64", 0, 64, ""},
		{"nrequests=0", 0, 0, `Invalid number of requests "0": too small`},
		{"nrequests=x", 0, 0, `Invalid number of requests "x": invalid`},
		{"nrequests=999999999999999999999", 0, 0, `Invalid number of requests "999999999999999999999": too large`},
		{"foo", 0, 0, "Invalid -X option"},
	} {
		buf, reqs, msg := SFTPOption(c.in)
		if buf != c.buf || reqs != c.reqs || msg != c.msg {
			t.Errorf("%q: %d %d %q, want %d %d %q", c.in, buf, reqs, msg, c.buf, c.reqs, c.msg)
		}
	}
	for in, ok := range map[string]bool{"1": true, "104857600": true, "0": false, "104857601": false, "x": false} {
		if _, got := LimitKbps(in); got != ok {
			t.Errorf("LimitKbps(%q) = %v", in, got)
		}
	}
}

// FuzzSFTPOption: any -X value gives a setting or a message, never both
// nor a panic.
func FuzzSFTPOption(f *testing.F) {
	f.Add("buffer=1.5K")
	f.Add("nrequests=-1")
	f.Fuzz(func(t *testing.T, v string) {
		buf, reqs, msg := SFTPOption(v)
		if (msg == "") == (buf == 0 && reqs == 0) {
			t.Errorf("%q: %d %d %q", v, buf, reqs, msg)
		}
	})
}
