package mux

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"sshbox/sshcore/client"
	"sshbox/sshcore/loglevel"
)

func TestSessionRequestRoundTrip(t *testing.T) {
	want := &SessionRequest{TTY: true, Subsystem: false, Agent: true, EscapeChar: '~',
		Term: "xterm", Command: "ls -l", Env: []string{"LANG=C", "A=b=c"}}
	var buf bytes.Buffer
	if err := writePacket(&buf, want.encode(7)); err != nil {
		t.Fatal(err)
	}
	typ, body, err := readPacket(&buf)
	if err != nil || typ != cNewSession {
		t.Fatalf("type %#x, %v", typ, err)
	}
	if id := body.u32(); id != 7 {
		t.Fatalf("request id %d", id)
	}
	got, err := decodeSession(body)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
}

func TestHelloVersion(t *testing.T) {
	var buf bytes.Buffer
	writePacket(&buf, hello())
	if err := checkHello(&buf); err != nil {
		t.Fatal(err)
	}
	var p packet
	p.u32(msgHello).u32(3)
	writePacket(&buf, p)
	if err := checkHello(&buf); err == nil {
		t.Fatal("version 3 accepted")
	}
}

func TestReadPacketBounds(t *testing.T) {
	for _, in := range [][]byte{{0, 0, 0, 2, 0, 0}, {0x7f, 0, 0, 0}, {0, 0, 0, 8, 0, 0, 0, 1}} {
		if _, _, err := readPacket(bytes.NewReader(in)); err == nil {
			t.Errorf("% x accepted", in)
		}
	}
}

// A descriptor passed over the socket is the same open file.
func TestFDPassing(t *testing.T) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	conn := func(fd int) *net.UnixConn {
		f := os.NewFile(uintptr(fd), "sock")
		defer f.Close()
		c, err := net.FileConn(f)
		if err != nil {
			t.Fatal(err)
		}
		return c.(*net.UnixConn)
	}
	a, b := conn(fds[0]), conn(fds[1])
	defer a.Close()
	defer b.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// A message, then the descriptor, as a passenger sends them: the
	// message read must not swallow the descriptor's byte.
	writePacket(a, hello())
	if err := sendFD(a, int(w.Fd())); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := checkHello(b); err != nil {
		t.Fatal(err)
	}
	fd, err := recvFD(b)
	if err != nil {
		t.Fatal(err)
	}
	got := os.NewFile(uintptr(fd), "passed")
	got.Write([]byte("through"))
	got.Close()
	buf := make([]byte, 16)
	n, _ := r.Read(buf)
	if string(buf[:n]) != "through" {
		t.Fatalf("read %q through the passed descriptor", buf[:n])
	}
}

// The control requests that need no SSH connection, against a real
// control socket.
func TestMasterControl(t *testing.T) {
	dir, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "s")
	l, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode: %v %v", fi, err)
	}
	if _, err := Listen(path); !errors.Is(err, ErrExists) {
		t.Fatalf("second Listen: %v, want ErrExists", err)
	}
	ended := make(chan struct{})
	m := &Master{Client: &client.Client{Log: client.NewLogger(nil, loglevel.Quiet)}, Path: path,
		End: func() { close(ended) }}
	go m.Serve(l)

	c, err := Dial(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := c.AliveCheck()
	if err != nil || pid != os.Getpid() {
		t.Fatalf("AliveCheck: %d, %v; want %d", pid, err, os.Getpid())
	}
	if err := c.CloseForward(Forward{Kind: FwdLocal, ListenPort: 1, ConnectHost: "h", ConnectPort: 2}); err == nil {
		t.Error("closing a forwarding that does not exist succeeded")
	}
	var r *Refused
	if _, err := c.OpenForward(Forward{Kind: 9}); !errors.As(err, &r) {
		t.Errorf("bad forwarding kind: %v, want a refusal", err)
	}
	if err := c.Terminate(); err != nil {
		t.Fatal(err)
	}
	<-ended
	c.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket remains after terminate: %v", err)
	}
	if _, err := Dial(path); !NoMaster(err) {
		t.Errorf("Dial after terminate: %v", err)
	}
}

func FuzzReadPacket(f *testing.F) {
	var buf bytes.Buffer
	writePacket(&buf, (&SessionRequest{TTY: true, Term: "xterm", Command: "id", Env: []string{"A=1"}}).encode(1))
	f.Add(buf.Bytes())
	buf.Reset()
	var p packet
	p.u32(cOpenFwd).u32(2).u32(FwdLocal).str("localhost").u32(8080).str("h").u32(80)
	writePacket(&buf, p)
	f.Add(buf.Bytes())
	buf.Reset()
	writePacket(&buf, hello())
	f.Add(buf.Bytes())
	f.Add([]byte{0, 0, 0, 4, 0x10, 0, 0, 2})
	f.Fuzz(func(t *testing.T, in []byte) {
		typ, body, err := readPacket(bytes.NewReader(in))
		if err != nil {
			return
		}
		if len(in) < 8 {
			t.Fatalf("% x: a message shorter than its header", in)
		}
		body.u32() // request id
		switch typ {
		case cNewSession:
			r, err := decodeSession(body)
			if err != nil {
				return
			}
			// What decodes re-encodes to the same request.
			var again bytes.Buffer
			writePacket(&again, r.encode(0))
			_, b2, err := readPacket(&again)
			if err != nil {
				t.Fatal(err)
			}
			b2.u32()
			if r2, err := decodeSession(b2); err != nil || !reflect.DeepEqual(r, r2) {
				t.Fatalf("re-encoding %+v gave %+v, %v", r, r2, err)
			}
		case cOpenFwd, cCloseFwd:
			if fw, err := decodeForward(body); err == nil {
				_ = fw.String()
			}
		}
	})
}
