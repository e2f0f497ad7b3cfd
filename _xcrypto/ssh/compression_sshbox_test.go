// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import (
	"bytes"
	"compress/zlib"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestInflatePartialFlush: packets as OpenSSH deflates them, zlib's
// Z_PARTIAL_FLUSH after each (made with Python's zlib), where the bits
// that end one packet's flush arrive with the next packet.
func TestInflatePartialFlush(t *testing.T) {
	f := newInflater()
	defer f.close()
	for i, c := range []struct{ in, want string }{
		{"789c62cd48cdc9c957282eced04dcecfcb4b4d2ec9cccf0308", "\x05hello ssh-connection"},
		{"a080c4a464b21140", "\x50" + string(bytes.Repeat([]byte("abc"), 20))},
		{"004515a71617030d41a50002", "\x5asessionsessionsession"},
	} {
		in, _ := hex.DecodeString(c.in)
		got, err := f.packet(in)
		if err != nil || string(got) != c.want {
			t.Fatalf("packet %d: %q, %v; want %q", i, got, err, c.want)
		}
	}
}

// testPayloads are packets as SSH carries them: text that compresses,
// random bytes that do not, one byte, a long run (references 258 bytes at
// a time) and a packet near the largest.
func testPayloads() [][]byte {
	var out [][]byte
	for i := 0; i < 50; i++ {
		out = append(out, []byte(fmt.Sprintf("\x5eline %d of some text that repeats itself, line %d\n", i, i%7)))
	}
	r := make([]byte, 40000)
	rand.Read(r)
	out = append(out, r, []byte{0x02}, bytes.Repeat([]byte{0x5e, 'z'}, 60000))
	big := make([]byte, 250*1024)
	for i := range big {
		big[i] = byte(i * i >> 7)
	}
	return append(out, big, r[:1000])
}

// TestDeflateInflate: what the deflater sends, the inflater gives back,
// packet by packet, back references reaching into earlier packets.
func TestDeflateInflate(t *testing.T) {
	d, f := newDeflater(), newInflater()
	defer f.close()
	wire, raw := 0, 0
	for i, p := range testPayloads() {
		z := d.packet(p)
		wire, raw = wire+len(z), raw+len(p)
		got, err := f.packet(append([]byte(nil), z...))
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("packet %d (%d bytes): %d bytes back, %v", i, len(p), len(got), err)
		}
	}
	if wire > raw/2 {
		t.Errorf("%d bytes deflated to %d", raw, wire)
	}
}

// TestDeflateLongStream: megabytes through one stream, the history
// sliding many times, checked by Go's zlib reader as well.
func TestDeflateLongStream(t *testing.T) {
	var data bytes.Buffer
	for i := 0; data.Len() < 3<<20; i++ {
		fmt.Fprintf(&data, "%d compress me, please; %x\n", i%1000, i*i)
	}
	d, f := newDeflater(), newInflater()
	defer f.close()
	var stream bytes.Buffer
	for p := data.Bytes(); len(p) > 0; {
		n := min(len(p), 1+len(p)%40000)
		z := d.packet(p[:n])
		stream.Write(z)
		got, err := f.packet(append([]byte(nil), z...))
		if err != nil || !bytes.Equal(got, p[:n]) {
			t.Fatalf("packet of %d: %d bytes back, %v", n, len(got), err)
		}
		p = p[n:]
	}
	zr, err := zlib.NewReader(&stream)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, data.Bytes()) {
		t.Fatalf("compress/zlib: %d bytes of %d", len(got), data.Len())
	}
	if stream.Len() > data.Len()/4 {
		t.Errorf("%d bytes deflated to %d", data.Len(), stream.Len())
	}
}

// TestInflateRefuses: bad streams end with an error, never a panic or a
// payload past the bound.
func TestInflateRefuses(t *testing.T) {
	big := newDeflater().packet(make([]byte, maxInflated+1))
	for _, c := range []struct {
		name    string
		packets []string
		want    error
	}{
		{"zlib header", []string{"\x78\x9d\x00"}, errInflateHeader},
		{"preset dictionary", []string{"\x78\xbb\x00"}, errInflateHeader},
		{"block type 3", []string{"\x78\x9c\x06"}, errInflateBlockType},
		{"stored length", []string{"\x78\x9c\x00\x05\x00\x00\x00"}, errInflateStored},
		// A fixed block whose first code is a length: nothing to refer to.
		{"distance", []string{"\x78\x9c\x02\x02"}, errInflateDistance},
		{"final block", []string{"\x78\x9c\x03\x00"}, errInflateEnded},
		{"too long", []string{string(big)}, errInflateTooLong},
	} {
		f := newInflater()
		var err error
		for _, p := range c.packets {
			if _, err = f.packet([]byte(p)); err != nil {
				break
			}
		}
		f.close()
		if err == nil || !strings.Contains(err.Error(), c.want.Error()) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// FuzzInflate: packets (the input cut at each 0xff) through the inflater:
// an error or payloads, never a panic or a hang.
func FuzzInflate(f *testing.F) {
	d := newDeflater()
	var seed []byte
	for _, p := range testPayloads()[:5] {
		seed = append(append(seed, d.packet(p)...), 0xff)
	}
	f.Add(seed)
	for _, h := range []string{"789c62cd48cdc9c957282eced04dcecfcb4b4d2ec9cccf0308", "a080c4a464b21140", "004515a71617030d41a50002"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Add([]byte("\x78\x9c\x05\xc1\x01\x01\x00\x00\x00\x80\x90\xfe\xaf"))
	f.Fuzz(func(t *testing.T, in []byte) {
		fl := newInflater()
		defer fl.close()
		for _, p := range bytes.Split(in, []byte{0xff}) {
			if len(p) == 0 {
				continue
			}
			out, err := fl.packet(p)
			if err != nil {
				return
			}
			if len(out) == 0 || len(out) > maxInflated {
				t.Fatalf("payload of %d bytes", len(out))
			}
		}
	})
}

// FuzzDeflateInflate: any payloads the deflater takes come back intact,
// packet by packet from the inflater, and as one stream from Go's own zlib
// reader, which judges the deflater independently.
func FuzzDeflateInflate(f *testing.F) {
	f.Add([]byte("\x5ehello\xffworld\xff\x5ehello world hello world"))
	f.Add([]byte("\xbd")) // a literal with a 9-bit fixed code
	f.Add(bytes.Repeat([]byte("compress me, please; "), 5000))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, fl := newDeflater(), newInflater()
		defer fl.close()
		var stream, want bytes.Buffer
		for _, p := range bytes.Split(in, []byte{0xff}) {
			if len(p) == 0 {
				continue
			}
			z := d.packet(p)
			stream.Write(z)
			want.Write(p)
			got, err := fl.packet(append([]byte(nil), z...))
			if err != nil || !bytes.Equal(got, p) {
				t.Fatalf("%q: %q, %v", p, got, err)
			}
		}
		if want.Len() == 0 {
			return
		}
		// The stream never ends: Go's reader stops at the end of its bytes.
		zr, err := zlib.NewReader(&stream)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != io.ErrUnexpectedEOF || !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("compress/zlib: %d bytes of %d, %v", len(got), want.Len(), err)
		}
	})
}

// TestCompressionConnection: an x/crypto client and server with
// compression, a channel's data both ways through a key exchange, the
// figures after; and "none" when only one side offers it.
func TestCompressionConnection(t *testing.T) {
	for _, c := range []struct {
		client, server []string
		want           bool
	}{
		{[]string{"zlib@openssh.com", "zlib", "none"}, []string{"none", "zlib@openssh.com"}, true},
		{[]string{"zlib", "none"}, []string{"zlib", "none"}, true},
		{[]string{"zlib@openssh.com", "none"}, nil, false},
		{[]string{"none", "zlib@openssh.com"}, []string{"none", "zlib@openssh.com"}, false},
	} {
		c1, c2, err := netPipe()
		if err != nil {
			t.Fatal(err)
		}
		sconf := &ServerConfig{NoClientAuth: true}
		sconf.AddHostKey(testSigners["ed25519"])
		sconf.SetCompressions(c.server)
		done := make(chan error, 1)
		go func() {
			_, chans, reqs, err := NewServerConn(c1, sconf)
			if err != nil {
				done <- err
				return
			}
			go DiscardRequests(reqs)
			nc := <-chans
			ch, creqs, err := nc.Accept()
			if err != nil {
				done <- err
				return
			}
			go DiscardRequests(creqs)
			_, err = io.Copy(ch, ch)
			ch.CloseWrite()
			done <- err
		}()
		cconf := &ClientConfig{User: "u", HostKeyCallback: InsecureIgnoreHostKey()}
		cconf.SetCompressions(c.client)
		conn, chans, reqs, err := NewClientConn(c2, "", cconf)
		if err != nil {
			t.Fatal(err)
		}
		client := NewClient(conn, chans, reqs)
		ch, creqs, err := client.OpenChannel("session", nil)
		if err != nil {
			t.Fatal(err)
		}
		go DiscardRequests(creqs)
		data := bytes.Repeat([]byte("compress me, please; "), 100000)
		got := make(chan []byte)
		go func() {
			b, _ := io.ReadAll(ch)
			got <- b
		}()
		ch.Write(data[:len(data)/2])
		conn.(*connection).RequestKeyChange()
		ch.Write(data[len(data)/2:])
		ch.CloseWrite()
		if b := <-got; !bytes.Equal(b, data) {
			t.Errorf("%v/%v: %d bytes back of %d", c.client, c.server, len(b), len(data))
		}
		if err := <-done; err != nil {
			t.Errorf("%v/%v: server: %v", c.client, c.server, err)
		}
		outRaw, outWire, inRaw, inWire, ok := conn.(*connection).CompressionStats()
		if ok != c.want || (ok && (outRaw < uint64(len(data)) || inRaw < uint64(len(data)) || outWire > outRaw/10 || inWire > inRaw/10)) {
			t.Errorf("%v/%v: figures %d->%d out, %d<-%d in, %v; want compressed: %v", c.client, c.server, outRaw, outWire, inRaw, inWire, ok, c.want)
		}
		client.Close()
	}
}

// benchPackets are 32 KiB packets of text that compresses about as a log
// or source tree does.
func benchPackets() [][]byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, "%d: GET /static/app.js?v=%d HTTP/1.1 200 %d \"Mozilla/5.0 (X11; Linux x86_64)\"\n", i, i%97, i*31%5000)
	}
	var out [][]byte
	for p := b.Bytes(); len(p) > 0; p = p[min(len(p), 32768):] {
		out = append(out, p[:min(len(p), 32768)])
	}
	return out
}

// BenchmarkDeflate also reports the compressed size against the input's
// (zlib's level 6 with a partial flush every 32 KiB: 0.0956).
func BenchmarkDeflate(b *testing.B) {
	ps := benchPackets()
	b.SetBytes(4 << 20)
	out := 0
	for b.Loop() {
		d := newDeflater()
		out = 0
		for _, p := range ps {
			out += len(d.packet(p))
		}
	}
	b.ReportMetric(float64(out)/(4<<20), "ratio")
}

func BenchmarkInflate(b *testing.B) {
	ps := benchPackets()
	d := newDeflater()
	var zs [][]byte
	for _, p := range ps {
		zs = append(zs, append([]byte(nil), d.packet(p)...))
	}
	b.SetBytes(4 << 20)
	for b.Loop() {
		f := newInflater()
		for _, z := range zs {
			if _, err := f.packet(z); err != nil {
				b.Fatal(err)
			}
		}
		f.close()
	}
}
