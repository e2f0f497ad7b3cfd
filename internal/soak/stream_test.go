package soak

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
)

// TestStream: the bytes are exactly n, the returned sum is theirs, the same
// seed repeats them and another seed does not.
func TestStream(t *testing.T) {
	for _, n := range []int64{0, 1, 256<<10 - 1, 256 << 10, 1<<20 + 7} {
		var a, b, c bytes.Buffer
		sa, err := Stream(&a, n, 1)
		if err != nil {
			t.Fatal(err)
		}
		if int64(a.Len()) != n {
			t.Fatalf("n=%d: wrote %d bytes", n, a.Len())
		}
		if sa != sha256.Sum256(a.Bytes()) {
			t.Fatalf("n=%d: returned sum is not the sum of the bytes written", n)
		}
		sb, _ := Stream(&b, n, 1)
		if sb != sa || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("n=%d: the same seed gave different bytes", n)
		}
		Stream(&c, n, 2)
		if n > 0 && bytes.Equal(a.Bytes(), c.Bytes()) {
			t.Fatalf("n=%d: seeds 1 and 2 gave the same bytes", n)
		}
	}
}

type failWriter struct{}

var errWrite = errors.New("write refused")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

// TestStreamWriteError: a receiver that goes away is reported, not hidden.
func TestStreamWriteError(t *testing.T) {
	if _, err := Stream(failWriter{}, 10, 1); !errors.Is(err, errWrite) {
		t.Fatalf("err = %v, want the writer's error", err)
	}
}
