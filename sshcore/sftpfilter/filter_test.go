package sftpfilter

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"sshbox/internal/wire"
)

func packet(typ byte, id uint32, ext string) []byte {
	body := []byte{typ}
	body = binary.BigEndian.AppendUint32(body, id)
	if ext != "" {
		body = binary.BigEndian.AppendUint32(body, uint32(len(ext)))
		body = append(body, ext...)
	}
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
}

// TestFilter: a denied request is answered with a permission-denied
// status carrying its id and never reaches the server; the others pass
// on unchanged.
func TestFilter(t *testing.T) {
	in := bytes.Join([][]byte{
		{0, 0, 0, 5, fxpInit, 0, 0, 0, 3},
		packet(13, 7, ""), // remove
		packet(17, 8, ""), // stat
		packet(fxpExtended, 9, "posix-rename@openssh.com"),
		packet(fxpExtended, 10, "hardlink@openssh.com"),
	}, nil)
	var out bytes.Buffer
	f := New(bytes.NewReader(in), &out, Policy{Denied: []string{"remove"}, Allowed: []string{"stat", "hardlink"}})
	passed, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Join([][]byte{{0, 0, 0, 5, fxpInit, 0, 0, 0, 3}, packet(17, 8, ""), packet(fxpExtended, 10, "hardlink@openssh.com")}, nil)
	if !bytes.Equal(passed, want) {
		t.Errorf("passed %x\nwant   %x", passed, want)
	}
	// Two denials, for ids 7 and 9, in order.
	b := out.Bytes()
	for _, id := range []uint32{7, 9} {
		if len(b) < 13 || b[4] != fxpStatus || binary.BigEndian.Uint32(b[5:]) != id || binary.BigEndian.Uint32(b[9:]) != fxPermissionDenied {
			t.Fatalf("status for %d: %x", id, b)
		}
		b = b[4+binary.BigEndian.Uint32(b):]
	}
	if len(b) != 0 {
		t.Errorf("trailing output %x", b)
	}
}

// TestFilterVersion: the server's reply, written in pieces, leaves whole;
// its version packet advertises OpenSSH's extensions in OpenSSH's order,
// those the policy permits and the filter can serve without its handle
// table (fstatvfs, fsync, lsetstat and copy-data need it).
func TestFilterVersion(t *testing.T) {
	// An extension is its name and its data ("1", "2") as SSH strings.
	ext := func(name string, v ...string) []byte {
		data := "1"
		if len(v) > 0 {
			data = v[0]
		}
		return wire.AppendString(wire.AppendString(nil, name), data)
	}
	body := append([]byte{fxpVersion, 0, 0, 0, 3}, ext("posix-rename@openssh.com")...)
	body = append(body, ext("statvfs@openssh.com")...)
	pkt := append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
	var out bytes.Buffer
	f := New(bytes.NewReader(nil), &out, Policy{Denied: []string{"posix-rename"}})
	f.Write(pkt[:3])
	if out.Len() != 0 {
		t.Fatal("a piece of a packet went out")
	}
	f.Write(pkt[3:])
	wantBody := []byte{fxpVersion, 0, 0, 0, 3}
	for _, e := range [][]byte{ext("statvfs@openssh.com", "2"), ext("hardlink@openssh.com"),
		ext("limits@openssh.com"), ext("expand-path@openssh.com"), ext("home-directory"),
		ext("users-groups-by-id@openssh.com")} {
		wantBody = append(wantBody, e...)
	}
	want := append(binary.BigEndian.AppendUint32(nil, uint32(len(wantBody))), wantBody...)
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("got  %x\nwant %x", out.Bytes(), want)
	}
}

// FuzzFilter: any client stream and any server output are read and
// written without a panic, and what passes is a sequence of whole packets.
func FuzzFilter(f *testing.F) {
	f.Add(packet(13, 7, ""), packet(2, 3, "x"))
	f.Add(packet(fxpExtended, 9, "posix-rename@openssh.com"), []byte{0, 0, 0, 1, 2})
	f.Add([]byte{0, 0, 0, 0}, []byte{0xff, 0xff, 0xff, 0xff, 2})
	f.Add(packet(fxpRealpath, 5, "/tmp/../lnk/x"), []byte(nil))
	f.Add(extPacket(6, "expand-path@openssh.com", "~root//x"), []byte(nil))
	f.Add(extPacket(7, "home-directory", "root"), []byte(nil))
	f.Add(extPacket(8, "statvfs@openssh.com", "/"), []byte(nil))
	f.Fuzz(func(t *testing.T, client, server []byte) {
		var out bytes.Buffer
		flt := New(bytes.NewReader(client), &out, Policy{Denied: []string{"remove", "posix-rename"}, Allowed: []string{"stat", "remove"}})
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

// limits@openssh.com is answered by the filter, with OpenSSH's figures,
// and refused with the rest under -P limits.
func TestFilterLimits(t *testing.T) {
	req := []byte{fxpExtended, 0, 0, 0, 7}
	req = binary.BigEndian.AppendUint32(req, uint32(len("limits@openssh.com")))
	req = append(req, "limits@openssh.com"...)
	pkt := append(binary.BigEndian.AppendUint32(nil, uint32(len(req))), req...)
	var out bytes.Buffer
	f := New(bytes.NewReader(pkt), &out, Policy{})
	if n, err := f.Read(make([]byte, 100)); n != 0 && err == nil {
		t.Fatalf("the limits request reached the server")
	}
	b := out.Bytes()
	if len(b) != 4+1+4+32 || b[4] != fxpExtendedReply || binary.BigEndian.Uint32(b[5:]) != 7 {
		t.Fatalf("reply %x", b)
	}
	if p, r, w := binary.BigEndian.Uint64(b[9:]), binary.BigEndian.Uint64(b[17:]), binary.BigEndian.Uint64(b[25:]); p != 262144 || r != 261120 || w != 261120 {
		t.Errorf("limits %d %d %d, want OpenSSH's 262144 261120 261120", p, r, w)
	}
	out.Reset()
	f = New(bytes.NewReader(pkt), &out, Policy{Denied: []string{"limits"}})
	f.Read(make([]byte, 100))
	if b := out.Bytes(); len(b) < 13 || b[4] != fxpStatus || binary.BigEndian.Uint32(b[9:]) != fxPermissionDenied {
		t.Errorf("-P limits: reply %x, want permission denied", b)
	}
}

// users-groups-by-id@openssh.com: the names in the order asked, empty for
// an id without one; ids not in whole uint32s are a bad message.
func TestFilterUsersGroups(t *testing.T) {
	req := func(uids, gids []byte) []byte {
		body := []byte{fxpExtended, 0, 0, 0, 9}
		body = wire.AppendString(body, "users-groups-by-id@openssh.com")
		body = wire.AppendString(body, string(uids))
		body = wire.AppendString(body, string(gids))
		return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
	}
	ids := func(n ...uint32) []byte {
		var b []byte
		for _, v := range n {
			b = binary.BigEndian.AppendUint32(b, v)
		}
		return b
	}
	var out bytes.Buffer
	f := New(bytes.NewReader(req(ids(0, 4000000000), ids(0))), &out, Policy{})
	f.Read(make([]byte, 100))
	var wantUsers, wantGroups []byte
	wantUsers = wire.AppendString(wire.AppendString(nil, "root"), "")
	wantGroups = wire.AppendString(nil, "root")
	want := []byte{fxpExtendedReply, 0, 0, 0, 9}
	want = wire.AppendString(want, string(wantUsers))
	want = wire.AppendString(want, string(wantGroups))
	want = append(binary.BigEndian.AppendUint32(nil, uint32(len(want))), want...)
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("reply %x\nwant  %x", out.Bytes(), want)
	}
	out.Reset()
	f = New(bytes.NewReader(req([]byte{0, 0, 1}, nil)), &out, Policy{})
	f.Read(make([]byte, 100))
	if b := out.Bytes(); len(b) < 13 || b[4] != fxpStatus || binary.BigEndian.Uint32(b[9:]) != fxBadMessage {
		t.Errorf("three bytes of uid: reply %x, want a bad message", b)
	}
}

// A directory's first READDIR reply gets "." and ".." at its head, or is
// made of them where the server had only end-of-file; other replies pass.
func TestDotsReply(t *testing.T) {
	dir := t.TempDir()
	name := func(count uint32) []byte {
		b := []byte{fxpName, 0, 0, 0, 7}
		b = binary.BigEndian.AppendUint32(b, count)
		if count == 1 {
			b = wire.AppendString(b, "f")
			b = wire.AppendString(b, "-rw-r--r--    1 root     root            0 Jan 1 00:00 f")
			b = binary.BigEndian.AppendUint32(b, 0)
		}
		return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)
	}
	names := func(pkt []byte) []string {
		var out []string
		b := pkt[9:]
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		for ; n > 0; n-- {
			s, rest, ok := wire.String(b)
			if !ok {
				t.Fatalf("%x", pkt)
			}
			out = append(out, string(s))
			_, rest, _ = wire.String(rest)
			flags := binary.BigEndian.Uint32(rest)
			b = rest[4:]
			if flags != 0 {
				b = b[8+8+4+8:]
			}
		}
		if len(b) != 0 || int(binary.BigEndian.Uint32(pkt)) != len(pkt)-4 {
			t.Fatalf("%x: %d bytes left", pkt, len(b))
		}
		return out
	}
	if got := names(dotsReply(name(1), dir)); strings.Join(got, " ") != ". .. f" {
		t.Errorf("entries %v", got)
	}
	eof := []byte{fxpStatus, 0, 0, 0, 7, 0, 0, 0, fxEOF}
	eof = append(binary.BigEndian.AppendUint32(nil, uint32(len(eof))), eof...)
	if got := names(dotsReply(eof, dir)); strings.Join(got, " ") != ". .." {
		t.Errorf("end of file: entries %v", got)
	}
	fail := []byte{0, 0, 0, 9, fxpStatus, 0, 0, 0, 7, 0, 0, 0, fxFailure}
	if got := dotsReply(fail, dir); !bytes.Equal(got, fail) {
		t.Errorf("a failure was changed: %x", got)
	}
}
