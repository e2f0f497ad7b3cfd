package transfer

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSCPSourceToSink runs both ends of the old protocol against each
// other over pipes: a tree with -r -p arrives identical, times and modes
// kept.
func TestSCPSourceToSink(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "d", "e"), 0o755)
	files := map[string]string{"a": "alpha", "d/b": strings.Repeat("b", 100000), "d/e/c": ""}
	old := time.Unix(1600000000, 0)
	for name, data := range files {
		p := filepath.Join(src, name)
		os.WriteFile(p, []byte(data), 0o640)
		os.Chtimes(p, old, old)
	}
	dst := t.TempDir()
	ar, aw := io.Pipe()
	br, bw := io.Pipe()
	send := &SCP{In: bufio.NewReader(br), Out: aw, Recursive: true, Preserve: true, Remote: true}
	recv := &SCP{In: bufio.NewReader(ar), Out: bw, Recursive: true, Preserve: true, Remote: true}
	errc := make(chan error, 1)
	go func() {
		err := send.Send([]string{filepath.Join(src, "a"), filepath.Join(src, "d")})
		aw.Close()
		errc <- err
	}()
	if err := recv.Receive(dst); err != nil {
		t.Fatal(err)
	}
	bw.Close()
	if err := <-errc; err != nil || send.Errs != 0 || recv.Errs != 0 {
		t.Fatalf("send: %v, errors %d/%d", err, send.Errs, recv.Errs)
	}
	for name, data := range files {
		p := filepath.Join(dst, name)
		got, err := os.ReadFile(p)
		if err != nil || string(got) != data {
			t.Errorf("%s: %v (%d bytes)", name, err, len(got))
		}
		st, _ := os.Stat(p)
		if st.Mode().Perm() != 0o640 || !st.ModTime().Equal(old) {
			t.Errorf("%s: mode %v time %v", name, st.Mode(), st.ModTime())
		}
	}
}

// TestSCPSinkRefusesEscape: a source that sends "../x" or a directory
// without -r gets a fatal error and nothing is written outside.
func TestSCPSinkRefusesEscape(t *testing.T) {
	for _, tc := range []struct{ stream, want string }{
		{"C0644 3 ../evil\nabc\x00", "unexpected filename"},
		{"C0644 3 a/b\nabc\x00", "unexpected filename"},
		{"D0755 0 dir\nE\n", "without -r"},
		{"Z\n", "expected control record"},
	} {
		dir := t.TempDir()
		var out bytes.Buffer
		s := &SCP{In: bufio.NewReader(strings.NewReader(tc.stream)), Out: &out, Remote: true}
		err := s.Receive(filepath.Join(dir, "target"))
		if err == nil || !strings.Contains(out.String(), "\x02scp: ") || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%q: err %v, sent %q", tc.stream, err, out.String())
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "evil")); err == nil {
			t.Errorf("%q escaped the target", tc.stream)
		}
	}
}

// TestSCPSourceMissing: a missing file is a warning to the peer naming it,
// and the next file still goes.
func TestSCPSourceMissing(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ok"), []byte("x"), 0o644)
	var out bytes.Buffer
	s := &SCP{In: bufio.NewReader(strings.NewReader("\x00\x00\x00")), Out: &out, Remote: true}
	if err := s.Send([]string{filepath.Join(dir, "gone"), filepath.Join(dir, "ok")}); err != nil {
		t.Fatal(err)
	}
	want := "\x01scp: " + filepath.Join(dir, "gone") + ": No such file or directory\nC0644 1 ok\nx\x00"
	if out.String() != want || s.Errs != 1 {
		t.Errorf("sent %q (errors %d), want %q", out.String(), s.Errs, want)
	}
}
