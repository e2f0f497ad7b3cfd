// Package soak is the load side of scripts/bench's soak: a deterministic
// pseudo-random byte stream that reports its own SHA-256 (so a transfer is
// checked against what was really sent, not against a file on disk), and
// an SSH client that runs many connections one after another or holds many
// open at once against one server, so that the server's descriptors,
// goroutines and memory can be read before, at peak and after.
package soak

import (
	"crypto/sha256"
	"io"
	"math/rand/v2"
)

// Stream writes n bytes of a ChaCha8 stream seeded with seed to w and
// returns their SHA-256. The same seed gives the same bytes, so a receiver
// can be checked without keeping the data; ChaCha8 runs at memory speed,
// so the generator is never what a transfer measures.
func Stream(w io.Writer, n int64, seed uint64) ([sha256.Size]byte, error) {
	var key [32]byte
	for i := range 8 {
		key[i] = byte(seed >> (8 * i))
	}
	src := rand.NewChaCha8(key)
	h := sha256.New()
	buf := make([]byte, 256<<10)
	for n > 0 {
		b := buf
		if int64(len(b)) > n {
			b = b[:n]
		}
		src.Read(b)
		h.Write(b)
		if _, err := w.Write(b); err != nil {
			var sum [sha256.Size]byte
			return sum, err
		}
		n -= int64(len(b))
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum, nil
}
