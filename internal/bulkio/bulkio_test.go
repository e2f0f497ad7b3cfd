package bulkio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"syscall"
	"testing"
	"testing/iotest"

	"sshbox/internal/gcpace"
)

// sizes records the length of every buffer offered to Write, and how
// many bulk copies internal/gcpace counted at the time.
type sizes struct {
	bytes.Buffer
	writes []int
	bulk   []int
}

func (s *sizes) Write(p []byte) (int, error) {
	s.writes = append(s.writes, len(p))
	s.bulk = append(s.bulk, gcpace.Active())
	return s.Buffer.Write(p)
}

func TestCopyGrowsOnlyForBulk(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	var dst sizes
	n, err := Copy(&dst, bytes.NewReader(data))
	if err != nil || n != int64(len(data)) || !bytes.Equal(dst.Bytes(), data) {
		t.Fatalf("Copy = %d, %v; data equal %v", n, err, bytes.Equal(dst.Bytes(), data))
	}
	if dst.writes[0] != startSize || dst.writes[1] != bulkSize {
		t.Errorf("writes %v: want %d then %d", dst.writes[:2], startSize, bulkSize)
	}
	// A bulk copy from the read that filled the buffer until it returns.
	if dst.bulk[0] != 0 || dst.bulk[1] != 1 || dst.bulk[len(dst.bulk)-1] != 1 {
		t.Errorf("bulk copies counted at each write: %v, want 0 then 1", dst.bulk)
	}
	if n := gcpace.Active(); n != 0 {
		t.Errorf("%d bulk copies counted after Copy returned", n)
	}

	// Small reads (a terminal, a trickle) never grow the buffer.
	var small sizes
	if _, err := Copy(&small, iotest.HalfReader(bytes.NewReader(data[:startSize*3]))); err != nil {
		t.Fatal(err)
	}
	for _, w := range small.writes {
		if w > startSize {
			t.Fatalf("write of %d after reads that never filled the buffer", w)
		}
	}
	if slices.Contains(small.bulk, 1) {
		t.Errorf("a copy that never filled its buffer counted as bulk: %v", small.bulk)
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) - 1, nil }

type failWriter struct{}

var errFail = errors.New("fail")

func (failWriter) Write(p []byte) (int, error) { return 1, errFail }

func TestCopyErrorsAsIoCopy(t *testing.T) {
	src := func() io.Reader { return bytes.NewReader([]byte("hello")) }
	if n, err := Copy(shortWriter{}, src()); n != 4 || err != io.ErrShortWrite {
		t.Errorf("short write: %d, %v", n, err)
	}
	if n, err := Copy(failWriter{}, src()); n != 1 || err != errFail {
		t.Errorf("failing write: %d, %v", n, err)
	}
	if n, err := Copy(io.Discard, iotest.ErrReader(errFail)); n != 0 || err != errFail {
		t.Errorf("failing read: %d, %v", n, err)
	}
	// Data that comes with the error is written first.
	var b bytes.Buffer
	if n, err := Copy(&b, iotest.DataErrReader(src())); n != 5 || err != nil || b.String() != "hello" {
		t.Errorf("data with EOF: %d, %v, %q", n, err, b.String())
	}
}

func TestWriterReadFrom(t *testing.T) {
	var dst sizes
	data := bytes.Repeat([]byte{'x'}, 3*bulkSize)
	// The struct hides bytes.Reader's WriteTo, as an ssh.Channel has none.
	n, err := io.Copy(Writer{&dst}, struct{ io.Reader }{bytes.NewReader(data)})
	if err != nil || n != int64(len(data)) || dst.writes[1] != bulkSize {
		t.Fatalf("io.Copy into Writer: %d, %v, writes %v", n, err, dst.writes)
	}
}

// Between pipes (raw system calls, internal/rawio) every byte arrives in
// order, and a write to a pipe nobody reads fails as os.File's would.
func TestCopyBetweenPipes(t *testing.T) {
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inR.Close()
	defer outR.Close()
	data := bytes.Repeat([]byte("0123456789abcdef"), 256<<10) // 4 MiB
	go func() {
		inW.Write(data)
		inW.Close()
	}()
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(outR)
		got <- b
	}()
	n, err := Copy(outW, inR)
	outW.Close()
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Copy = %d, %v", n, err)
	}
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("%d bytes arrived, not the %d sent in order", len(b), len(data))
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	_, err = Copy(w, bytes.NewReader([]byte("x")))
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != "write" || !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("write to a pipe nobody reads: %v", err)
	}
}
