package transfer

import "testing"

func TestParseLocation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Location
	}{
		{"file", Location{Path: "file"}},
		{"./a:b", Location{Path: "./a:b"}},
		{":x", Location{Path: ":x"}},
		{"host:", Location{Remote: true, Host: "host"}},
		{"host:dir/f", Location{Remote: true, Host: "host", Path: "dir/f"}},
		{"me@host:/abs", Location{Remote: true, User: "me", Host: "host", Path: "/abs"}},
		{"me@[::1]:f", Location{Remote: true, User: "me", Host: "::1", Path: "f"}},
		{"[::1]:f", Location{Remote: true, Host: "::1", Path: "f"}},
		{"scp://me@h:2222/f", Location{Remote: true, User: "me", Host: "h", Port: 2222, Path: "f"}},
		{"scp://h//abs", Location{Remote: true, Host: "h", Path: "/abs"}},
		{"scp://h", Location{Remote: true, Host: "h"}},
	} {
		got, err := ParseLocation(tc.in, "scp")
		if err != nil || got != tc.want {
			t.Errorf("%q: %+v %v, want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"@h:f", "scp://h:99999/f", "scp:///f"} {
		if _, err := ParseLocation(bad, "scp"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseLocation(f *testing.F) {
	for _, s := range []string{"file", "host:f", "me@[::1]:f", "scp://me@h:22/f", ":x", "a/b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLocation(s, "scp")
		if err == nil && !l.Remote && l.Path != s {
			t.Fatalf("local %q became %q", s, l.Path)
		}
	})
}
