package vis

import "testing"

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, 100%":           "plain text, 100%",
		"a\tb\nc\rd\be\af":           "a\tb\nc\rd\be\af",
		"\x1b]0;title\x07":           `\033]0;title` + "\a",
		`back\slash`:                 `back\\slash`,
		"caf\xc3\xa9 \x7f \x00 \x9b": `caf\303\251 \177 \000 \233`,
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLine(t *testing.T) {
	if got, want := Line("x\nAccepted password\r\t\\"), `x\012Accepted password\015\011\\`; got != want {
		t.Errorf("Line: %q, want %q", got, want)
	}
	if s := "Accepted publickey for alice"; Line(s) != s {
		t.Error("a printable line changed")
	}
}

func TestCStyle(t *testing.T) {
	if got, want := CStyle("a\nb\tc\x00d\x007\x1b\\"), `a\nb\tc\0d\0007\033\\`; got != want {
		t.Errorf("CStyle: %q, want %q", got, want)
	}
}

// Terminal follows utf8.c's vasnmprintf: printable characters of the
// locale pass, newline, CR and tab pass, every byte of the rest is \ooo
// (a backslash is printable and passes as it is).
func TestTerminal(t *testing.T) {
	in := "caf\xc3\xa9\x1b[2J\t\\\n\xc2\x9b\xff\r"
	if got, want := Terminal(in, true), "caf\xc3\xa9\\033[2J\t\\\n\\302\\233\\377\r"; got != want {
		t.Errorf("UTF-8: %q, want %q", got, want)
	}
	if got, want := Terminal(in, false), "caf\\303\\251\\033[2J\t\\\n\\302\\233\\377\r"; got != want {
		t.Errorf("ASCII: %q, want %q", got, want)
	}
}

func TestUTF8Locale(t *testing.T) {
	for _, c := range []struct {
		all, ctype, lang string
		want             bool
	}{
		{"", "", "C.UTF-8", true},
		{"C", "", "en_US.UTF-8", false},
		{"", "de_DE.utf8", "C", true},
		{"", "", "", false},
	} {
		t.Setenv("LC_ALL", c.all)
		t.Setenv("LC_CTYPE", c.ctype)
		t.Setenv("LANG", c.lang)
		if got := UTF8Locale(); got != c.want {
			t.Errorf("%+v: %v", c, got)
		}
	}
}
