package umac

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"math/rand"
	"strings"
	"testing"
)

// umacTag computes UMAC with an explicit eight-byte nonce, as RFC 4418's
// test vectors give it (the transport's nonce is the sequence number).
func umacTag(key []byte, tagLen int, nonce string, msg []byte) string {
	u := newUMAC(key, tagLen)
	u.Write(make([]byte, 4)) // the sequence number's place
	copy(u.nonce[:], nonce)
	u.Write(msg)
	return strings.ToUpper(hex.EncodeToString(u.Sum(nil)))
}

// TestUMACVectors: RFC 4418's test vectors (Appendix), key
// "abcdefghijklmnop", nonce "bcdefghi", but for the messages of 2^25 bytes,
// which need POLY-128 and are longer than any SSH packet.
func TestUMACVectors(t *testing.T) {
	key := []byte("abcdefghijklmnop")
	for _, v := range []struct {
		msg                    string
		n                      int
		umac32, umac64, umac96 string
	}{
		{"", 0, "113145FB", "6E155FAD26900BE1", "32FEDB100C79AD58F07FF764"},
		{"a", 3, "3B91D102", "44B5CB542F220104", "185E4FE905CBA7BD85E4C2DC"},
		{"a", 1 << 10, "599B350B", "26BF2F5D60118BD9", "7A54ABE04AF82D60FB298C3C"},
		{"a", 1 << 15, "58DCF532", "27F8EF643B0D118D", "7B136BD911E4B734286EF2BE"},
		{"a", 1 << 20, "DB6364D1", "A4477E87E9F55853", "F8ACFA3AC31CFEEA047F7B11"},
		{"abc", 1, "ABF3A3A0", "D4D7B9F6BD4FBFCF", "883C3D4B97A61976FFCF2323"},
		{"abc", 500, "ABEB3C8B", "D4CF26DDEFD5C01A", "8824A260C53C66A36C9260A6"},
	} {
		msg := []byte(strings.Repeat(v.msg, v.n))
		for _, c := range []struct {
			tagLen int
			want   string
		}{{4, v.umac32}, {8, v.umac64}, {12, v.umac96}} {
			if got := umacTag(key, c.tagLen, "bcdefghi", msg); got != c.want {
				t.Errorf("UMAC-%d of %q x %d: %s, want %s", 8*c.tagLen, v.msg, v.n, got, c.want)
			}
		}
	}
}

// TestUMACWrites: a message written in pieces of any size gives the tag
// it gives written at once, and Sum leaves the state as it was.
func TestUMACWrites(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	key := make([]byte, 16)
	r.Read(key)
	for _, tagLen := range []int{8, 16} {
		for _, n := range []int{0, 1, 31, 32, 33, 1023, 1024, 1025, 2047, 2048, 2049, 5000, 35000} {
			msg := make([]byte, 4+n)
			r.Read(msg)
			whole := newUMAC(key, tagLen)
			whole.Write(msg)
			want := whole.Sum(nil)
			if again := whole.Sum(nil); !bytes.Equal(again, want) {
				t.Fatalf("UMAC-%d, %d bytes: a second Sum gave %x, the first %x", 8*tagLen, n, again, want)
			}
			pieces := newUMAC(key, tagLen)
			for rest := msg; len(rest) > 0; {
				k := min(len(rest), 1+r.Intn(100))
				pieces.Write(rest[:k])
				rest = rest[k:]
			}
			if got := pieces.Sum(nil); !bytes.Equal(got, want) {
				t.Errorf("UMAC-%d, %d bytes in pieces: %x, at once %x", 8*tagLen, n, got, want)
			}
			pieces.Reset()
			pieces.Write(msg)
			if got := pieces.Sum(nil); !bytes.Equal(got, want) {
				t.Errorf("UMAC-%d, %d bytes after Reset: %x, want %x", 8*tagLen, n, got, want)
			}
		}
	}
}

// BenchmarkMAC: UMAC against HMAC-SHA2-256 over a packet of the size a
// bulk transfer sends.
func BenchmarkMAC(b *testing.B) {
	packet := make([]byte, 32768+4)
	for name, mac := range map[string]func() hash.Hash{
		"umac-64":       func() hash.Hash { return New(make([]byte, 16), 8) },
		"umac-128":      func() hash.Hash { return New(make([]byte, 16), 16) },
		"hmac-sha2-256": func() hash.Hash { return hmac.New(sha256.New, make([]byte, 32)) },
	} {
		b.Run(name, func(b *testing.B) {
			m := mac()
			var tag []byte
			b.SetBytes(int64(len(packet)))
			for i := 0; i < b.N; i++ {
				m.Reset()
				m.Write(packet)
				tag = m.Sum(tag[:0])
			}
		})
	}
}

// TestUMACPastPOLY64: a message past 2 MiB, which RFC 4418 would hash on
// with POLY-128 and no SSH packet reaches, gets a random tag, not a fixed
// one a forger could send.
func TestUMACPastPOLY64(t *testing.T) {
	u := New(make([]byte, 16), 8)
	u.Write(make([]byte, 4+4<<20))
	a, b := u.Sum(nil), u.Sum(nil)
	if bytes.Equal(a, b) {
		t.Fatalf("two tags of a 4 MiB message: %x and %x", a, b)
	}
}
