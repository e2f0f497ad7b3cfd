package errtext

import (
	"fmt"
	"io"
	"net"
	"os"
	"testing"
)

func TestReason(t *testing.T) {
	_, openErr := os.Open("/nonexistent/file")
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	_, bindErr := net.Listen("tcp", l.Addr().String())
	for _, c := range []struct {
		err  error
		want string
	}{
		{openErr, "No such file or directory"},
		{fmt.Errorf("wrapped: %w", openErr), "No such file or directory"},
		{bindErr, "Address already in use"},
		{io.EOF, "Unexpected end of file"},
		{fmt.Errorf("invalid format"), "invalid format"},
	} {
		if got := Reason(c.err); got != c.want {
			t.Errorf("Reason(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// TestPrintable: control characters, DEL and bytes that are not UTF-8
// become \ooo, so the text stays one line; printable text, UTF-8
// included, is left alone.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"ssh: unknown key algorithm: M4\n": `ssh: unknown key algorithm: M4\012`,
		"a\rb\x1b[2Jc\x7f":                 `a\015b\033[2Jc\177`,
		"bad \xff\xfe utf-8":               `bad \377\376 utf-8`,
		"plain text, ünïcödé":              "plain text, ünïcödé",
		"":                                 "",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
