package lzma

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// compress runs the real xz, the program the release build compresses the
// man pages with, so the decoder is held to its streams, not to an
// encoder of our own.
func compress(t testing.TB, data []byte, opts string) []byte {
	t.Helper()
	xz := testenv.NeedCmd(t, "xz")
	cmd := exec.Command(xz, "--format=lzma", "--lzma1="+opts, "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xz --lzma1=%s: %v", opts, err)
	}
	return out
}

// inputs covers literals only, long and overlapping matches, every
// distance class, the four repeated distances, and bytes of every value.
func inputs() map[string][]byte {
	r := rand.New(rand.NewSource(1))
	random := make([]byte, 200<<10)
	r.Read(random)
	var mixed bytes.Buffer
	words := strings.Fields("the quick brown fox jumps over a lazy dog ssh sshd key host port")
	for mixed.Len() < 300<<10 {
		switch r.Intn(4) {
		case 0:
			mixed.WriteString(words[r.Intn(len(words))] + " ")
		case 1:
			start := r.Intn(len(random) - 64)
			mixed.Write(random[start : start+r.Intn(64)])
		case 2:
			if n := mixed.Len(); n > 0 {
				from := r.Intn(n)
				mixed.Write(append([]byte(nil), mixed.Bytes()[from:min(n, from+r.Intn(300))]...))
			}
		default:
			mixed.WriteByte(byte(r.Intn(256)))
		}
	}
	return map[string][]byte{
		"empty":  nil,
		"one":    {'x'},
		"run":    bytes.Repeat([]byte{0}, 100000),
		"period": bytes.Repeat([]byte("abc"), 50000),
		"random": random,
		"mixed":  mixed.Bytes(),
	}
}

func TestDecodeXZStreams(t *testing.T) {
	// Presets 0 and 9e take the fast and the best match finders; the
	// explicit properties change the literal and position contexts.
	options := []string{"preset=0", "preset=6", "preset=9e", "preset=6,lc=0,lp=4,pb=4", "preset=6,lc=4,lp=0,pb=0", "preset=6,lc=1,lp=3,pb=1", "preset=6,dict=4KiB"}
	for name, data := range inputs() {
		for _, opts := range options {
			stream := compress(t, data, opts)
			got, err := Decode(stream, len(data))
			if err != nil {
				t.Errorf("%s, %s: %v", name, opts, err)
			} else if !bytes.Equal(got, data) {
				t.Errorf("%s, %s: %d bytes decoded differ from the %d compressed", name, opts, len(got), len(data))
			}
		}
	}
}

// TestDecodeManPages decodes the pages as the release build packs them.
func TestDecodeManPages(t *testing.T) {
	files, _ := filepath.Glob("../manpage/roff/man*/*")
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if len(all) < 100<<10 {
		t.Fatalf("only %d bytes of man pages found", len(all))
	}
	got, err := Decode(compress(t, all, "preset=9e,pb=0"), len(all))
	if err != nil || !bytes.Equal(got, all) {
		t.Fatalf("man pages: %v (%d of %d bytes)", err, len(got), len(all))
	}
}

// TestDecodeSizedHeader: a header may give the size, and the end marker
// then still counts; a size that disagrees with the data is an error.
func TestDecodeSizedHeader(t *testing.T) {
	data := inputs()["mixed"]
	stream := compress(t, data, "preset=6")
	sized := func(n uint64) []byte {
		s := append([]byte(nil), stream...)
		binary.LittleEndian.PutUint64(s[5:13], n)
		return s
	}
	if got, err := Decode(sized(uint64(len(data))), len(data)); err != nil || !bytes.Equal(got, data) {
		t.Errorf("exact size: %v", err)
	}
	for _, n := range []uint64{uint64(len(data)) - 1, uint64(len(data)) + 1, 0} {
		if _, err := Decode(sized(n), len(data)+1); err == nil {
			t.Errorf("size %d for %d bytes: no error", n, len(data))
		}
	}
	if _, err := Decode(sized(uint64(len(data))), len(data)-1); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("size over the limit: %v", err)
	}
}

// TestDecodeLimit: a stream without a size stops at the limit.
func TestDecodeLimit(t *testing.T) {
	data := inputs()["run"]
	stream := compress(t, data, "preset=6")
	if _, err := Decode(stream, len(data)-1); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("limit one under: %v", err)
	}
	if got, err := Decode(stream, len(data)); err != nil || len(got) != len(data) {
		t.Errorf("limit exact: %v", err)
	}
}

// TestDecodeDamaged: every truncation of a stream is an error (the end
// marker is the last thing coded), and no damage makes the decoder panic
// or overrun its limit.
func TestDecodeDamaged(t *testing.T) {
	data := inputs()["mixed"][:20000]
	stream := compress(t, data, "preset=6")
	for n := 0; n < len(stream); n++ {
		if _, err := Decode(stream[:n], len(data)); err == nil {
			t.Fatalf("stream cut at %d of %d bytes decoded", n, len(stream))
		}
	}
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 2000; i++ {
		s := append([]byte(nil), stream...)
		s[r.Intn(len(s))] ^= byte(1 << r.Intn(8))
		if got, err := Decode(s, len(data)); err == nil && len(got) > len(data) {
			t.Fatalf("damaged stream gave %d bytes, over the limit", len(got))
		}
	}
	for _, bad := range [][]byte{
		nil,
		{0x5d, 0, 0, 1, 0},
		append([]byte{225, 0, 0, 1, 0}, make([]byte, 8+5)...),      // properties out of range
		append(append([]byte(nil), stream[:13]...), 1, 0, 0, 0, 0), // range coder's first byte not zero
	} {
		if _, err := Decode(bad, 1000); err == nil {
			t.Errorf("%x: no error", bad)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{"", "a", "abcabcabcabcabc", "hello hello hello\n"} {
		f.Add(compress(f, []byte(seed), "preset=6"))
	}
	f.Add(compress(f, []byte(strings.Repeat("sshd_config ", 40)), "preset=6,lc=0,lp=4,pb=4"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		if got, err := Decode(stream, 1<<16); err == nil && len(got) > 1<<16 {
			t.Fatalf("%d bytes decoded, over the limit", len(got))
		}
	})
}
