package configfmt

import (
	"testing"
)

// FuzzDecode: the record reader never panics, and whatever it accepts as
// VAR or VFC re-encodes to records it reads back the same.
func FuzzDecode(f *testing.F) {
	for _, fm := range []Format{StreamLF, StreamCR, Stream, VAR, VFC} {
		f.Add(Encode(sampleLines, fm))
	}
	f.Add([]byte{0xFF, 0xFF})
	f.Add([]byte{0xFF, 0x7F, 'a'})
	f.Add([]byte{3, 0, 'a', 'b', 'c', 0, 2, 0, 'd', 'e'})
	f.Add([]byte("Host *\n  Port 22\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, fm, err := Decode(data)
		if err != nil {
			return
		}
		if fm == VAR || fm == VFC {
			again, _, err := Decode(Encode(recs, fm))
			if err != nil {
				t.Fatalf("re-encoded %v does not decode: %v", fm, err)
			}
			if len(again) != len(recs) {
				t.Fatalf("re-encoded %v: %d records, want %d", fm, len(again), len(recs))
			}
		}
	})
}
