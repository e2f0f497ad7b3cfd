package transfer

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"sshbox/internal/wire"
)

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// pkg/sftp's INIT is dropped however it is cut into writes, and what
// follows it passes whole, in order.
func TestSkipFirstPacket(t *testing.T) {
	initPkt := []byte{0, 0, 0, 5, 1, 0, 0, 0, 3}
	next := []byte{0, 0, 0, 9, 17, 0, 0, 0, 1, 0, 0, 0, 1, '.'}
	stream := append(append([]byte(nil), initPkt...), next...)
	for cut1 := 0; cut1 <= len(stream); cut1++ {
		for cut2 := cut1; cut2 <= len(stream); cut2++ {
			var out bytes.Buffer
			w := &skipFirstPacket{WriteCloser: nopCloser{&out}}
			for _, piece := range [][]byte{stream[:cut1], stream[cut1:cut2], stream[cut2:]} {
				if n, err := w.Write(piece); n != len(piece) || err != nil {
					t.Fatalf("Write(%d bytes) = %d, %v", len(piece), n, err)
				}
			}
			if !bytes.Equal(out.Bytes(), next) {
				t.Fatalf("cut at %d and %d: passed %x, want %x", cut1, cut2, out.Bytes(), next)
			}
		}
	}
}

func versionBody(exts ...string) []byte {
	b := []byte{fxpVersion, 0, 0, 0, 3}
	for _, e := range exts {
		b = wire.AppendString(b, e)
		b = wire.AppendString(b, "1")
	}
	return b
}

func TestLimitsOffered(t *testing.T) {
	for _, c := range []struct {
		body []byte
		want bool
	}{
		{versionBody(), false},
		{versionBody("posix-rename@openssh.com", "limits@openssh.com"), true},
		{versionBody("limits@openssh.comx"), false},
		{versionBody("limits@openssh.com")[:20], false}, // cut short
		{[]byte{fxpVersion}, false},
	} {
		if got := limitsOffered(c.body); got != c.want {
			t.Errorf("limitsOffered(%x) = %v, want %v", c.body, got, c.want)
		}
	}
}

// limits reads the reply's read and write lengths, the smaller, within
// 64 bytes and maxRequest; a status reply (not supported) is no limits.
func TestLimitsReply(t *testing.T) {
	reply := func(typ byte, vals ...uint64) []byte {
		body := binary.BigEndian.AppendUint32([]byte{typ}, 1)
		for _, v := range vals {
			body = binary.BigEndian.AppendUint64(body, v)
		}
		return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
	}
	for _, c := range []struct {
		reply []byte
		size  int
		ok    bool
	}{
		{reply(fxpExtendedReply, 262144, 261120, 261120, 1000), 261120, true},
		{reply(fxpExtendedReply, 1<<20, 1<<20, 65536, 0), 65536, true},
		{reply(fxpExtendedReply, 0, 0, 0, 0), maxRequest, true},
		{reply(fxpExtendedReply, 100, 10, 10, 0), 64, true},
		{reply(fxpExtendedReply, 1), 0, false},
		{reply(fxpStatus, 8<<32), 0, false},
	} {
		var sent bytes.Buffer
		raw := &rawSFTP{w: &sent, r: bytes.NewReader(c.reply)}
		size, ok := raw.limits()
		if size != c.size || ok != c.ok {
			t.Errorf("reply %x: %d %v, want %d %v", c.reply, size, ok, c.size, c.ok)
		}
		if want := "limits@openssh.com"; !bytes.Contains(sent.Bytes(), []byte(want)) {
			t.Errorf("request %x does not name %s", sent.Bytes(), want)
		}
	}
}

// FuzzLimitsOffered: any VERSION body is read without a panic, and found
// to offer limits only if it names the extension.
func FuzzLimitsOffered(f *testing.F) {
	f.Add(versionBody("limits@openssh.com"))
	f.Add(versionBody("a", "b"))
	f.Add([]byte{2, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, body []byte) {
		if limitsOffered(body) && !bytes.Contains(body, []byte("limits@openssh.com")) {
			t.Fatalf("%x: limits offered without being named", body)
		}
	})
}
