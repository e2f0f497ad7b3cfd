package server

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitCommand(t *testing.T) {
	for in, want := range map[string][]string{
		"/bin/x %u %f":            {"/bin/x", "%u", "%f"},
		`/bin/x "a b" 'c d'`:      {"/bin/x", "a b", "c d"},
		`/bin/x a\ b "q\"q" 'e\'`: {"/bin/x", "a b", `q"q`, `e\`},
		"  /bin/x\t y  ":          {"/bin/x", "y"},
		`/bin/x "it's"`:           {"/bin/x", "it's"},
		`/bin/x ""`:               {"/bin/x", ""},
	} {
		got, err := splitCommand(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	if _, err := splitCommand(`/bin/x "open`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestExpandTokens(t *testing.T) {
	tokens := map[byte]string{'%': "%", 'u': "alice", 'h': "/home/alice"}
	if got, err := expandTokens("%u:%h:%%u", tokens); err != nil || got != "alice:/home/alice:%u" {
		t.Errorf("%q %v", got, err)
	}
	for _, bad := range []string{"%x", "end%"} {
		if _, err := expandTokens(bad, tokens); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzSplitCommand: any command line splits without a panic, and words
// without blanks, quotes or backslashes come back as they were.
func FuzzSplitCommand(f *testing.F) {
	f.Add(`/bin/x "a b" 'c' d\ e`)
	f.Add(`'`)
	f.Add(`\`)
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitCommand(s)
		if err != nil {
			return
		}
		if !strings.ContainsAny(s, `"'\`) {
			if want := strings.FieldsFunc(s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) }); !reflect.DeepEqual(words, want) && !(len(words) == 0 && len(want) == 0) {
				t.Fatalf("%q: %q, want %q", s, words, want)
			}
		}
	})
}
