//go:build linux

package rawio

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func pipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// Of hands out non-blocking descriptors only.
func TestOfTakesOnlyNonBlocking(t *testing.T) {
	r, w := pipe(t)
	if Of(r) == nil || Of(w) == nil {
		t.Error("os.Pipe's ends are not taken")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if Of(c) == nil {
		t.Error("a TCP connection is not taken")
	}
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if Of(a) != nil {
		t.Error("net.Pipe is taken")
	}
	// A blocking pipe, as a command's standard input may be.
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	br, bw := os.NewFile(uintptr(fds[0]), "r"), os.NewFile(uintptr(fds[1]), "w")
	defer br.Close()
	defer bw.Close()
	if Of(br) != nil || Of(bw) != nil {
		t.Error("a blocking pipe is taken")
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if Of(null) != nil {
		t.Error("a blocking file is taken")
	}
}

// Through a pipe, a writer far ahead of a slow reader fills it and waits
// in the poller; the reader waits when it is empty; every byte arrives in
// order, then EOF.
func TestPipeRoundTrip(t *testing.T) {
	r, w := pipe(t)
	rr, wr := Of(r), Of(w)
	rng := rand.New(rand.NewSource(3))
	sent := make([]byte, 8<<20)
	rng.Read(sent)
	go func() {
		wrng := rand.New(rand.NewSource(4))
		for p := sent; len(p) > 0; {
			k := min(len(p), 1+wrng.Intn(300000))
			half := k / 2
			if n, err := Writev(wr, net.Buffers{p[:half], p[half:k]}); err != nil || n != int64(k) {
				t.Errorf("Writev = %d, %v; want %d", n, err, k)
				break
			}
			p = p[k:]
		}
		w.Close()
	}()
	var got bytes.Buffer
	buf := make([]byte, 50000)
	for {
		n, err := Read(rr, buf)
		got.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rng.Intn(20) == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	if !bytes.Equal(got.Bytes(), sent) {
		t.Fatalf("read %d bytes, not the %d written in order", got.Len(), len(sent))
	}
}

// A deadline ends a read that waits in the poller, with the os
// package's error.
func TestReadDeadline(t *testing.T) {
	r, _ := pipe(t)
	r.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := Read(Of(r), make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v", err)
	}
}

// Writing to a pipe nobody reads any more fails with EPIPE as an
// *os.SyscallError, and the process carries on.
func TestWriteToClosedReader(t *testing.T) {
	r, w := pipe(t)
	r.Close()
	_, err := Writev(Of(w), net.Buffers{[]byte("x")})
	var se *os.SyscallError
	if !errors.As(err, &se) || !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("write to a closed pipe: %v", err)
	}
}

// advance drops whole and partial buffers and the empty ones after them.
func TestAdvance(t *testing.T) {
	bufs := net.Buffers{[]byte("ab"), []byte(""), []byte("cde"), []byte("")}
	got := advance(bufs, 3)
	if string(bytes.Join(got, nil)) != "de" || string(got[0]) != "de" {
		t.Errorf("advance 3: %q", got)
	}
	if got := advance(net.Buffers{[]byte("ab"), []byte("")}, 2); len(got) != 0 {
		t.Errorf("advance past the end: %q", got)
	}
}

func nonblocking(t *testing.T, fd int) bool {
	t.Helper()
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fl&unix.O_NONBLOCK != 0
}

// An inherited blocking pipe (as ssh's standard input is) becomes one Of
// accepts, reads through the poller, and is blocking again after restore,
// with the original descriptor still open.
func TestInheritedPipe(t *testing.T) {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	rfd, wfd := fds[0], fds[1]
	defer unix.Close(rfd)
	defer unix.Close(wfd)

	f, restore := Inherited(rfd, "stdin")
	if f == nil {
		t.Fatal("Inherited refused a pipe")
	}
	rc := Of(f)
	if rc == nil {
		t.Fatal("Of refused the file Inherited made")
	}
	if !nonblocking(t, rfd) {
		t.Error("the inherited descriptor is still blocking")
	}
	want := bytes.Repeat([]byte("inherited "), 1000)
	go func() {
		time.Sleep(20 * time.Millisecond) // the reader waits in the poller first
		unix.Write(wfd, want)
		unix.Close(wfd)
	}()
	got, err := io.ReadAll(readerFunc(func(p []byte) (int, error) { return Read(rc, p) }))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, %v; want %d", len(got), err, len(want))
	}
	restore()
	restore() // a second call does nothing
	if nonblocking(t, rfd) {
		t.Error("restore left the descriptor non-blocking")
	}
	if err := unix.Fstat(rfd, new(unix.Stat_t)); err != nil {
		t.Errorf("restore closed the inherited descriptor: %v", err)
	}
	if _, err := f.Read(make([]byte, 1)); err == nil {
		t.Error("the duplicate is still open after restore")
	}
}

// A descriptor that was non-blocking already stays so; files, /dev/null
// and terminals are left alone.
func TestInheritedLeavesOthers(t *testing.T) {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	f, restore := Inherited(fds[0], "r")
	if f == nil {
		t.Fatal("Inherited refused a non-blocking pipe")
	}
	restore()
	if !nonblocking(t, fds[0]) {
		t.Error("restore cleared O_NONBLOCK that was set before")
	}

	file, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for _, o := range []*os.File{file, null} {
		if f, _ := Inherited(int(o.Fd()), o.Name()); f != nil {
			t.Errorf("Inherited took %s", o.Name())
		}
		if nonblocking(t, int(o.Fd())) {
			t.Errorf("Inherited set O_NONBLOCK on %s", o.Name())
		}
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
