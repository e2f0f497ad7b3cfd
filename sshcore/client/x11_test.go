package client

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"sshbox/sshcore/loglevel"
)

// x11Setup is an X client's connection setup with the given byte order,
// protocol name and cookie, followed by more.
func x11Setup(order byte, proto string, cookie []byte, more string) []byte {
	var bo binary.ByteOrder = binary.LittleEndian
	if order == 0x42 {
		bo = binary.BigEndian
	}
	b := []byte{order, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	bo.PutUint16(b[2:], 11)
	bo.PutUint16(b[6:], uint16(len(proto)))
	bo.PutUint16(b[8:], uint16(len(cookie)))
	pad := func(n int) []byte { return make([]byte, (4-n%4)%4) }
	b = append(append(b, proto...), pad(len(proto))...)
	b = append(append(b, cookie...), pad(len(cookie))...)
	return append(b, more...)
}

func TestX11CheckSetup(t *testing.T) {
	real := bytes.Repeat([]byte{0xaa}, 16)
	fake := bytes.Repeat([]byte{0x55}, 16)
	sp := &x11Spoof{proto: x11Proto, real: real, fake: fake}
	for _, order := range []byte{0x42, 0x6c} {
		got, err := sp.checkSetup(bytes.NewReader(x11Setup(order, x11Proto, fake, "rest")))
		if want := x11Setup(order, x11Proto, real, "rest"); err != nil || !bytes.Equal(got, want) {
			t.Errorf("order %#x: %x, %v; want %x", order, got, err, want)
		}
	}
	for what, in := range map[string][]byte{
		"real cookie":      x11Setup(0x6c, x11Proto, real, ""),
		"other protocol":   x11Setup(0x6c, "XDM-AUTHORIZATION-1", fake, ""),
		"no cookie":        x11Setup(0x6c, "", nil, ""),
		"short cookie":     x11Setup(0x6c, x11Proto, fake[:8], ""),
		"bad byte order":   x11Setup('X', x11Proto, fake, ""),
		"truncated header": x11Setup(0x6c, x11Proto, fake, "")[:8],
		"truncated cookie": x11Setup(0x6c, x11Proto, fake, "")[:40],
	} {
		if got, err := sp.checkSetup(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: accepted, %x", what, got)
		}
	}
}

func TestX11DialDisplayErrors(t *testing.T) {
	c := &Client{Log: NewLogger(io.Discard, loglevel.Quiet)}
	for _, d := range []string{"nocolon", "host:x", ":99999", "unix:"} {
		if conn, err := c.dialDisplay(d); err == nil {
			conn.Close()
			t.Errorf("%q: connected", d)
		}
	}
}

// FuzzX11Setup: whatever an X client on the server sends first, checkSetup
// neither panics nor lets anything but the fake cookie through, and what
// it passes on carries the real cookie where the fake one was.
func FuzzX11Setup(f *testing.F) {
	real := bytes.Repeat([]byte{0xaa}, 16)
	fake := bytes.Repeat([]byte{0x55}, 16)
	f.Add(x11Setup(0x6c, x11Proto, fake, "more"))
	f.Add(x11Setup(0x42, x11Proto, fake, ""))
	f.Add(x11Setup(0x6c, x11Proto, real, ""))
	f.Add([]byte{0x6c, 0, 11, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		sp := &x11Spoof{proto: x11Proto, real: real, fake: fake}
		got, err := sp.checkSetup(bytes.NewReader(in))
		if err != nil {
			return
		}
		// Accepted: the input had the fake cookie after the protocol
		// name, and only that changed, to the real one.
		off := 12 + (len(x11Proto)+3)&^3
		if len(got) > len(in) || !bytes.Equal(in[off:off+16], fake) || !bytes.Equal(got[off:off+16], real) ||
			!bytes.Equal(got[:off], in[:off]) || !bytes.Equal(got[off+16:], in[off+16:len(got)]) {
			t.Fatalf("passed %x for %x", got, in)
		}
	})
}
