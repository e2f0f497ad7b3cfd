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

// Field is asmprintf with a width: newline, CR and tab are escaped as
// well, and the output stops before a character or escape that would not
// fit, counting columns, not bytes.
func TestField(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		utf8  bool
		want  string
		cols  int
	}{
		{"a\tb\nc\rd", 40, true, `a\011b\012c\015d`, 16},
		{"\x1b]0;x\x07", 40, false, `\033]0;x\007`, 12},
		{"ab\x1bcd", 5, false, "ab", 2},
		{"caf\xc3\xa9", 10, true, "caf\xc3\xa9", 4},
		{"caf\xc3\xa9", 10, false, `caf\303`, 7},
		{"\xe6\x97\xa5\xe6\x9c\xac", 3, true, "\xe6\x97\xa5", 2},
		{"e\xcc\x81x", 2, true, "e\xcc\x81x", 2},
		{"\xe2\x80\xae!", 5, true, "\xe2\x80\xae!", 1},
		{"\xc2\x9b2J", 9, true, `\302\2332`, 9},
	} {
		got, cols := Field(c.in, c.width, c.utf8)
		if got != c.want || cols != c.cols {
			t.Errorf("Field(%q, %d, %v) = %q, %d; want %q, %d", c.in, c.width, c.utf8, got, cols, c.want, c.cols)
		}
	}
}
