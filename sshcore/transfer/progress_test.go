package transfer

import (
	"strings"
	"testing"
	"time"
)

// The units and rounding are progressmeter.c's.
func TestFormatSizeRate(t *testing.T) {
	for _, tc := range []struct {
		n          int64
		size, rate string
	}{
		{0, "   0  ", "  0.0KB"},
		{9999, "9999  ", "  9.8KB"},
		{10000, "  10KB", "  9.8KB"},
		{1 << 20, "1024KB", "  1.0MB"},
		{256 << 20, " 256MB", "256.0MB"},
		{5 << 30, "5120MB", "  5.0GB"},
	} {
		if got := formatSize(tc.n); got != tc.size {
			t.Errorf("formatSize(%d) = %q, want %q", tc.n, got, tc.size)
		}
		if got := formatRate(tc.n); got != tc.rate {
			t.Errorf("formatRate(%d) = %q, want %q", tc.n, got, tc.rate)
		}
	}
}

// TestProgressLine draws with a fake clock: the name padded to the width
// less 35 (progressmeter.c's win_size, the columns and a NUL, less 36), percent, bytes, rate, ETA while moving; the elapsed time at the
// end, with a newline.
func TestProgressLine(t *testing.T) {
	var b strings.Builder
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	p := newProgress(&b, func() int { return 80 }, clock, false, "file.bin", 0, 10<<20)
	now = now.Add(time.Second)
	p.Add(2 << 20)
	p.draw()
	now = now.Add(4 * time.Second)
	p.Add(8 << 20)
	p.Finish()
	lines := strings.Split(b.String(), "\r")
	if len(lines) != 4 {
		t.Fatalf("%d redraws: %q", len(lines)-1, b.String())
	}
	want := []string{
		"file.bin                                        0%    0     0.0KB/s   --:-- ETA",
		"file.bin                                       20% 2048KB   2.0MB/s   00:04 ETA",
		"file.bin                                      100%   10MB   2.0MB/s   00:05    \n",
	}
	for i, w := range want {
		if lines[i+1] != w {
			t.Errorf("line %d:\n got %q\nwant %q", i, lines[i+1], w)
		}
	}
}

// A server's file name is escaped in the meter and cut by columns, an
// escape that does not fit whole left out (the line is a column short
// then, as OpenSSH's is); a terminal too narrow for a name has none, and
// no carriage return either.
func TestProgressHostileName(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	for _, c := range []struct {
		name  string
		width int
		want  string
	}{
		{"a\x1b]0;x\x07\tb", 80, "\ra\\033]0;x\\007\\011b" + strings.Repeat(" ", 27) + " 100%    0     0.0KB/s   00:00    \n"},
		{strings.Repeat("n", 42) + "\x1b[2J", 80, "\r" + strings.Repeat("n", 42) + " 100%    0     0.0KB/s   00:00    \n"},
		{strings.Repeat("n", 43) + "\x1b[2J", 80, "\r" + strings.Repeat("n", 43) + " 100%    0     0.0KB/s   00:00    \n"},
		{"caf\xc3\xa9", 28, " 100%    0     0.0KB/s   00:\n"},
	} {
		var b strings.Builder
		p := newProgress(&b, func() int { return c.width }, clock, true, c.name, 0, 0)
		b.Reset()
		p.Finish()
		if b.String() != c.want {
			t.Errorf("%q at %d columns:\n got %q\nwant %q", c.name, c.width, b.String(), c.want)
		}
	}
}
