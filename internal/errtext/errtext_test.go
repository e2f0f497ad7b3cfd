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
