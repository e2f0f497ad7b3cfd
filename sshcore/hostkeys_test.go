package sshcore

import (
	"bytes"
	"testing"
)

// FuzzSplitStrings: any byte string either splits into strings that join
// back to exactly the input, or is refused; nothing panics.
func FuzzSplitStrings(f *testing.F) {
	f.Add([]byte{})
	f.Add(JoinStrings([][]byte{[]byte("ssh-ed25519 key"), nil, []byte("x")}))
	f.Add([]byte{0, 0, 0, 5, 'a'})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := SplitStrings(b)
		if err != nil {
			return
		}
		if again := JoinStrings(items); !bytes.Equal(again, b) {
			t.Fatalf("split %x then joined %x", b, again)
		}
	})
}
