package wire

import (
	"bytes"
	"testing"
)

func TestString(t *testing.T) {
	b := AppendString(AppendString(nil, "limits@openssh.com"), "")
	s, rest, ok := String(b)
	if !ok || string(s) != "limits@openssh.com" {
		t.Fatalf("%q %v", s, ok)
	}
	if s, rest, ok = String(rest); !ok || len(s) != 0 || len(rest) != 0 {
		t.Fatalf("%q %q %v", s, rest, ok)
	}
	for n := 0; n < 4+len("limits@openssh.com"); n++ {
		if _, _, ok := String(b[:n]); ok {
			t.Errorf("a string cut at %d bytes read", n)
		}
	}
	if _, _, ok := String([]byte{0xff, 0xff, 0xff, 0xff}); ok {
		t.Error("a length past the end read")
	}
}

// FuzzString: any bytes are read without a panic, and what is read
// writes back the same.
func FuzzString(f *testing.F) {
	f.Add(AppendString(nil, "x"))
	f.Add([]byte{0, 0, 0, 9, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, rest, ok := String(b)
		if ok && !bytes.Equal(append(AppendString(nil, string(s)), rest...), b) {
			t.Fatalf("%x does not write back", b)
		}
	})
}
