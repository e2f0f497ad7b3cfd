package transfer

import "testing"

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"C0644 12 file.txt", true},
		{"D0755 0 dir", true},
		{"E", true},
		{"T1700000000 0 1700000001 0", true},
		{"C0644 12 ../etc/passwd", false},
		{"C0644 12 a/b", false},
		{"D0755 0 ..", false},
		{"C0644 -1 x", false},
		{"C644 1 x", false},
		{"C0944 1 x", false},
		{"T1 0 2", false},
		{"X", false},
		{"", false},
	} {
		h, err := ParseHeader(tc.line)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v", tc.line, err)
			continue
		}
		if err == nil && h.Kind != 'T' && h.String() != tc.line {
			t.Errorf("%q: round trip %q", tc.line, h.String())
		}
	}
}

func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{"C0644 12 file.txt", "D0755 0 dir", "E", "T1700000000 0 1700000001 0", "C0644 1 ..", "T1 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		h, err := ParseHeader(line)
		if err != nil {
			return
		}
		if h.Kind == 'C' || h.Kind == 'D' {
			back, err := ParseHeader(h.String())
			if err != nil || back.Name != h.Name || back.Size != h.Size || back.Mode != h.Mode {
				t.Fatalf("%q -> %q: %v", line, h.String(), err)
			}
		}
	})
}
