package knownhosts

import (
	"strings"
	"testing"
)

func TestReorder(t *testing.T) {
	cases := map[string]string{
		"kh find host -f file":        "kh find -f file -- host",
		"kh -f file list":             "kh -f file list",
		"kh scan h1 -p 2222 --add h2": "kh scan -p 2222 --add -- h1 h2",
		"kh add [h]:2 - --hash":       "kh add --hash -- [h]:2 -",
		"kh remove -- -odd":           "kh remove -- -odd",
		"kh":                          "kh",
	}
	for in, want := range cases {
		if got := strings.Join(reorder(strings.Split(in, " ")), " "); got != want {
			t.Errorf("reorder(%q) = %q want %q", in, got, want)
		}
	}
}

func FuzzReorder(f *testing.F) {
	f.Add("kh\x00find\x00host\x00-f\x00file")
	f.Add("kh\x00-f")
	f.Add("kh\x00scan\x00--\x00-p")
	f.Fuzz(func(t *testing.T, argv string) {
		in := strings.Split(argv, "\x00")
		out := reorder(in)
		if len(in) > 0 && (len(out) == 0 || out[0] != in[0]) {
			t.Fatalf("applet name lost: %q", out)
		}
	})
}
