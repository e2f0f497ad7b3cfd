package configfmt

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var sampleLines = []string{
	"# sshd_config from OpenVMS",
	"",
	"Port 2222",
	"PermitRootLogin no", // even length
	"AllowUsers alice bob",
	"x",
	"",
}

func TestRoundTripAllFormats(t *testing.T) {
	for _, f := range []Format{StreamLF, StreamCR, Stream, VAR, VFC} {
		t.Run(f.String(), func(t *testing.T) {
			data := Encode(sampleLines, f)
			got, gf, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if gf != f {
				t.Errorf("format %v, want %v", gf, f)
			}
			if !reflect.DeepEqual(got, sampleLines) {
				t.Errorf("records %q, want %q", got, sampleLines)
			}
		})
	}
}

// Byte-level fixtures written by hand, independent of Encode.
func TestDecodeHandMade(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want []string
		f    Format
	}{
		{"var odd pad", []byte{3, 0, 'a', 'b', 'c', 0, 2, 0, 'd', 'e'}, []string{"abc", "de"}, VAR},
		{"var empty line", []byte{0, 0, 1, 0, 'x', 0}, []string{"", "x"}, VAR},
		{"var last pad missing", []byte{2, 0, 'h', 'i', 1, 0, 'z'}, []string{"hi", "z"}, VAR},
		{"vfc 01 8d", []byte{5, 0, 0x01, 0x8D, 'P', 'o', 'r', 0, 4, 0, 0x01, 0x8D, 'a', 'b'}, []string{"Por", "ab"}, VFC},
		{"docs/configuration.md example", []byte{0x07, 0, 'P', 'o', 'r', 't', ' ', '2', '2', 0, 0x12, 0,
			'P', 'e', 'r', 'm', 'i', 't', 'R', 'o', 'o', 't', 'L', 'o', 'g', 'i', 'n', ' ', 'n', 'o'},
			[]string{"Port 22", "PermitRootLogin no"}, VAR},
		{"vfc 00 00 control", []byte{4, 0, 0, 0, 'o', 'k'}, []string{"ok"}, VFC},
		{"stream crlf", []byte("a\r\nb\r\n"), []string{"a", "b"}, Stream},
		{"stream cr", []byte("a\rb\r"), []string{"a", "b"}, StreamCR},
		{"stream lf no final newline", []byte("a\nb"), []string{"a", "b"}, StreamLF},
		{"lf with stray cr", []byte("a\r\nb\n"), []string{"a", "b"}, StreamLF},
		{"empty", nil, nil, StreamLF},
		{"text with escape byte", []byte("Banner \x1b[1m\n"), []string{"Banner \x1b[1m"}, StreamLF},
		{"text with a zero-filled tail", []byte("Port 22\nHost x\n\x00\x00\x00\x00"), []string{"Port 22", "Host x"}, StreamLF},
	}
	for _, c := range cases {
		got, f, err := Decode(c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if f != c.f || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v %q, want %v %q", c.name, f, got, c.f, c.want)
		}
	}
}

// 0xFFFF skips to the next 512-byte block; records may also span blocks.
func TestDecodeBlockSkip(t *testing.T) {
	var b []byte
	first := strings.Repeat("a", 300)
	b = append(b, Encode([]string{first}, VAR)...) // 302 bytes
	b = append(b, 0xFF, 0xFF)                      // rest of block 0 unused
	for len(b) < 512 {
		b = append(b, 0xEE) // garbage the reader must not look at
	}
	long := strings.Repeat("b", 700) // spans blocks 1 and 2
	b = append(b, Encode([]string{long, "end"}, VAR)...)
	got, f, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{first, long, "end"}
	if f != VAR || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v %d records, want VAR %d", f, len(got), len(want))
	}
	// A skip word in the last block ends the file.
	tail := append(Encode([]string{"only"}, VAR), 0xFF, 0xFF)
	got, _, err = Decode(tail)
	if err != nil || !reflect.DeepEqual(got, []string{"only"}) {
		t.Fatalf("skip at end: %q %v", got, err)
	}
}

func TestVARCutShort(t *testing.T) {
	lines := []string{"Port 22", strings.Repeat("# comment ", 90), "PasswordAuthentication no"}
	full := Encode(lines, VAR)
	// Cut inside the second record: its count is at offset 10.
	cut := full[:200]
	dir := t.TempDir()
	p := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(p, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(p)
	if err == nil {
		t.Fatal("truncated VAR file accepted")
	}
	want := p + ": VAR record at byte offset 10: count 900 runs past end of file (size 200)"
	if err.Error() != want {
		t.Fatalf("error\n %s\nwant\n %s", err, want)
	}
	// Cut inside a count word.
	_, _, err = Decode(full[:11])
	if err == nil || !strings.Contains(err.Error(), "byte offset 10") {
		t.Fatalf("cut count word: %v", err)
	}
	// Cut inside the first record, and a one-line file whose count is
	// 10 (0A 00: a line feed, then a NUL).
	for _, data := range [][]byte{full[:5], Encode([]string{"0123456789"}, VAR)[:8]} {
		if _, _, err := Decode(data); err == nil || !strings.Contains(err.Error(), "byte offset 0") {
			t.Errorf("% x: %v", data, err)
		}
	}
}

func TestVARBrokenChain(t *testing.T) {
	good := Encode([]string{"Port 22", "LogLevel INFO"}, VAR)
	bad := append([]byte{}, good...)
	bad[10] = 0x80 // second count becomes 0x8000+...: above the RMS limit
	bad[11] = 0x80
	_, _, err := Decode(bad)
	if err == nil || !strings.Contains(err.Error(), "byte offset 10") {
		t.Fatalf("broken chain: %v", err)
	}
	// A chain that holds but carries binary data: named by offset.
	bin := Encode([]string{"ok", "ab\x00cd"}, VAR)
	if _, _, err := Decode(bin); err == nil || err.Error() != "VAR record at byte offset 4: byte 0x00 at offset 8 is not text" {
		t.Fatalf("record with NUL: %v", err)
	}
}

// Text files are never taken for VAR, even when their first two bytes are a
// plausible count.
func TestTextNeverVAR(t *testing.T) {
	texts := []string{
		"\x05\x00",
		"ab",
		"# c\n",
		"Port 22\nHost *\n",
		string(bytes.Repeat([]byte("x"), 30840+2)), // "xx" = 0x7878 = 30840: the chain lands exactly on EOF
	}
	for _, s := range texts[1:] {
		recs, f, err := Decode([]byte(s))
		if err != nil || f == VAR || f == VFC {
			t.Errorf("%q: %v %v", s[:min(len(s), 20)], f, err)
		}
		if strings.Join(recs, "\n") != strings.TrimRight(s, "\n") {
			t.Errorf("%q: records %q", s[:min(len(s), 20)], recs)
		}
	}
	// Two bytes with a NUL: a VAR count of 5 with nothing after it.
	if _, _, err := Decode([]byte(texts[0])); err == nil {
		t.Errorf("binary count word decoded as text")
	}
}
