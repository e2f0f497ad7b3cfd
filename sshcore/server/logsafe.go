package server

import (
	"fmt"
	"strings"
)

// logSafe escapes what a client sent before it goes into a log line:
// bytes outside printable ASCII become \ooo, as OpenSSH's logit does with
// strnvis, so that a user name or request type cannot forge lines.
func logSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '\\' {
			fmt.Fprintf(&b, "\\%03o", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
