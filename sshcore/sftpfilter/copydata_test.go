package sftpfilter

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pkg/sftp"

	"sshbox/internal/wire"
	"sshbox/sshcore/loglevel"
)

// rawClient speaks SFTP packets to a pkg/sftp server behind the filter.
type rawClient struct {
	t   *testing.T
	w   io.Writer
	r   io.Reader
	ids uint32
}

func (c *rawClient) send(typ byte, payload []byte) uint32 {
	c.ids += 7 // ids of the client's own choosing, not 1, 2, 3
	pkt := binary.BigEndian.AppendUint32(nil, uint32(5+len(payload)))
	pkt = append(pkt, typ)
	pkt = binary.BigEndian.AppendUint32(pkt, c.ids)
	c.w.Write(append(pkt, payload...))
	return c.ids
}

func (c *rawClient) recv(id uint32) []byte {
	c.t.Helper()
	var hdr [4]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		c.t.Fatal(err)
	}
	body := make([]byte, binary.BigEndian.Uint32(hdr[:]))
	if _, err := io.ReadFull(c.r, body); err != nil {
		c.t.Fatal(err)
	}
	if got := binary.BigEndian.Uint32(body[1:5]); got != id {
		c.t.Fatalf("reply for id %d, want %d", got, id)
	}
	return body
}

func (c *rawClient) open(path string, pflags uint32) string {
	c.t.Helper()
	p := wire.AppendString(nil, path)
	p = binary.BigEndian.AppendUint32(p, pflags)
	p = binary.BigEndian.AppendUint32(p, 0) // no attributes
	body := c.recv(c.send(fxpOpen, p))
	h, _, ok := wire.String(body[5:])
	if body[0] != fxpHandle || !ok {
		c.t.Fatalf("open %s: %x", path, body)
	}
	return string(h)
}

func (c *rawClient) copyData(rh string, roff, n uint64, wh string, woff uint64) uint32 {
	p := wire.AppendString(nil, "copy-data")
	p = wire.AppendString(p, rh)
	p = binary.BigEndian.AppendUint64(p, roff)
	p = binary.BigEndian.AppendUint64(p, n)
	p = wire.AppendString(p, wh)
	p = binary.BigEndian.AppendUint64(p, woff)
	return statusCode(c.recv(c.send(fxpExtended, p)))
}

// serve runs pkg/sftp behind a copy-data filter on pipes.
func serve(t *testing.T, dir string, readOnly bool, p Policy) *rawClient {
	cr, cw := io.Pipe() // client -> filter
	sr, sw := io.Pipe() // filter -> client
	f := New(cr, sw, p)
	f.ServeCopyData(readOnly)
	f.SetWorkDir(dir)
	opts := []sftp.ServerOption{sftp.WithServerWorkingDirectory(dir)}
	if readOnly {
		opts = append(opts, sftp.ReadOnly())
	}
	srv, err := sftp.NewServer(struct {
		io.Reader
		io.Writer
		io.Closer
	}{f, f, cr}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(); close(done) }()
	t.Cleanup(func() { cw.Close(); <-done; sw.Close() })
	c := &rawClient{t: t, w: cw, r: sr}
	cw.Write([]byte{0, 0, 0, 5, fxpInit, 0, 0, 0, 3})
	var hdr [4]byte
	io.ReadFull(sr, hdr[:])
	version := make([]byte, binary.BigEndian.Uint32(hdr[:]))
	io.ReadFull(sr, version)
	if !bytes.Contains(version, wire.AppendString(wire.AppendString(nil, "copy-data"), "1")) && p.Permits("copy-data") && !readOnly {
		t.Fatalf("copy-data not advertised: %q", version)
	}
	return c
}

// TestCopyData: ranges, to the end of the file, into an offset of the
// target, a file that ends early (EOF), the same handle or path on both
// sides (failure), read-only mode and -P copy-data (permission denied);
// the client's own ids come back on every reply.
func TestCopyData(t *testing.T) {
	dir := t.TempDir()
	src := make([]byte, 100*1024+3)
	rand.Read(src)
	os.WriteFile(filepath.Join(dir, "src"), src, 0o644)
	c := serve(t, dir, false, Policy{})
	const read, write, creat, trunc = 1, 2, 8, 16
	rh := c.open("src", read)
	wh := c.open("dst", write|creat|trunc)
	if code := c.copyData(rh, 0, 0, wh, 0); code != fxOK {
		t.Fatalf("whole file: status %d", code)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "dst")); !bytes.Equal(got, src) {
		t.Fatalf("whole file: %d bytes differ", len(got))
	}
	w2 := c.open("part", write|creat|trunc)
	if code := c.copyData(rh, 40000, 50000, w2, 10); code != fxOK {
		t.Fatalf("range: status %d", code)
	}
	want := append(make([]byte, 10), src[40000:90000]...)
	if got, _ := os.ReadFile(filepath.Join(dir, "part")); !bytes.Equal(got, want) {
		t.Fatalf("range: got %d bytes, want %d", len(got), len(want))
	}
	if code := c.copyData(rh, uint64(len(src))-5, 100, w2, 0); code != fxEOF {
		t.Errorf("past the end: status %d, want EOF", code)
	}
	if code := c.copyData(rh, 0, 10, rh, 0); code != fxFailure {
		t.Errorf("same handle: status %d", code)
	}
	rh2 := c.open("src", read)
	if code := c.copyData(rh, 0, 10, rh2, 0); code != fxFailure {
		t.Errorf("same path: status %d", code)
	}
	if code := c.copyData("nosuch", 0, 10, wh, 0); code != fxFailure {
		t.Errorf("unknown handle: status %d", code)
	}

	ro := serve(t, dir, true, Policy{})
	rh = ro.open("src", read)
	if code := ro.copyData(rh, 0, 0, rh, 0); code != fxPermissionDenied {
		t.Errorf("read-only: status %d", code)
	}
	denied := serve(t, dir, false, Policy{Denied: []string{"copy-data"}})
	if code := denied.copyData("a", 0, 0, "b", 0); code != fxPermissionDenied {
		t.Errorf("-P copy-data: status %d", code)
	}
}

// FuzzCopyDataFilter: with copy-data served, any client stream and any
// server output go through without a panic, what passes is whole packets,
// and a copy left waiting ends with the client's stream.
func FuzzCopyDataFilter(f *testing.F) {
	cd := func(args []byte) []byte {
		body := append([]byte{fxpExtended, 0, 0, 0, 9}, wire.AppendString(nil, "copy-data")...)
		body = append(body, args...)
		return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
	}
	f.Add(cd(nil), []byte{0, 0, 0, 5, fxpHandle, 0, 0, 0, 1})
	f.Add(append(packet(fxpOpen, 3, "file"), cd(wire.AppendString(nil, "h"))...), packet(fxpHandle, 1, "h"))
	f.Add(packet(fxpClose, 7, "h"), packet(fxpStatus, 1, ""))
	f.Add(append(packet(fxpOpen, 3, "f"), packet(fxpWrite, 4, "h")...), append(packet(fxpHandle, 1, "h"), packet(fxpStatus, 2, "")...))
	f.Add(append(packet(fxpOpen, 3, "/etc/passwd"), extPacket(4, "fstatvfs@openssh.com", "h")...), packet(fxpHandle, 1, "h"))
	f.Fuzz(func(t *testing.T, client, server []byte) {
		var out bytes.Buffer
		flt := New(bytes.NewReader(client), &lockedWriter{w: &out}, Policy{Denied: []string{"remove"}})
		flt.ServeCopyData(false)
		// Every request logged too (log.go parses each one's arguments).
		flt.SetLog(&Log{Level: loglevel.Debug3, Stderr: io.Discard})
		passed, _ := io.ReadAll(flt)
		for len(passed) > 0 {
			if len(passed) < 4 || int(binary.BigEndian.Uint32(passed)) > len(passed)-4 {
				t.Fatalf("a piece of a packet passed: %x", passed)
			}
			passed = passed[4+binary.BigEndian.Uint32(passed):]
		}
		flt.Write(server)
	})
}

// lockedWriter lets copies that end after the client's stream write their
// status while the test reads nothing.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
