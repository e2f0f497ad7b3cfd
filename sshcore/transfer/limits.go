package transfer

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/pkg/sftp"

	"sshbox/internal/wire"
)

// OpenSSH's sftp client asks a server that offers limits@openssh.com
// (OpenSSH's PROTOCOL, 4.8) how large a read and a write may be, and
// without -B sizes its requests to that: 255 KiB against OpenSSH's
// sftp-server and sshbox's, eight times fewer requests and replies than
// pkg/sftp's 32 KiB. pkg/sftp's client cannot send the request, so
// startSFTP speaks the session's first exchanges itself (INIT, VERSION,
// the limits request) and then hands pkg/sftp the stream as if new: the
// server's VERSION replayed to it, its own INIT not passed on.

// maxRequest is the largest request size taken from a server's limits,
// OpenSSH's (SFTP_MAX_MSG_LENGTH - 1024), and chunkSize.
const maxRequest = 256<<10 - 1024

// MaxRequest is the largest request size sftp and scp use (-B asks more
// in vain): what OpenSSH's sftp-server serves whole.
const MaxRequest = maxRequest

// startSFTP starts pkg/sftp's client on a fresh sftp stream. With the
// server's limits, requests are as large as it takes (at most maxRequest,
// at least 64 bytes as OpenSSH's); opts come after, so that -B
// (Settings.ClientOptions) still decides.
func startSFTP(r io.Reader, w io.WriteCloser, opts []sftp.ClientOption) (*sftp.Client, error) {
	raw := &rawSFTP{w: w, r: r}
	body, err := raw.version()
	if err != nil {
		return nil, err
	}
	if limitsOffered(body) {
		if size, ok := raw.limits(); ok {
			opts = append([]sftp.ClientOption{sftp.MaxPacketUnchecked(size)}, opts...)
		}
	}
	pkt := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	replay := io.MultiReader(bytes.NewReader(append(pkt, body...)), r)
	return sftp.NewClientPipe(replay, &skipFirstPacket{WriteCloser: w}, opts...)
}

// limitsOffered says whether a VERSION body names limits@openssh.com
// among its extensions.
func limitsOffered(body []byte) bool {
	if len(body) < 5 {
		return false
	}
	rest := body[5:]
	for len(rest) > 0 {
		name, r, ok := wire.String(rest)
		if !ok {
			return false
		}
		if _, r, ok = wire.String(r); !ok {
			return false
		}
		if string(name) == "limits@openssh.com" {
			return true
		}
		rest = r
	}
	return false
}

// limits asks the server's limits: the smaller of its largest read and
// write, false when it does not answer them.
func (c *rawSFTP) limits() (int, bool) {
	typ, body, err := c.call(fxpExtended, wire.AppendString(nil, "limits@openssh.com"))
	if err != nil || typ != fxpExtendedReply || len(body) < 32 {
		return 0, false
	}
	read := binary.BigEndian.Uint64(body[8:])
	write := binary.BigEndian.Uint64(body[16:])
	size := min(read, write)
	if size == 0 { // no limit stated
		size = maxRequest
	}
	return int(min(max(size, 64), maxRequest)), true
}

// skipFirstPacket passes on what is written after the first sftp packet:
// pkg/sftp's INIT, which the server has had already.
type skipFirstPacket struct {
	io.WriteCloser
	done bool
	hdr  []byte // the first packet's length, while incomplete
	left int    // bytes of the first packet's body still to drop
}

func (s *skipFirstPacket) Write(p []byte) (int, error) {
	if s.done {
		return s.WriteCloser.Write(p)
	}
	n := len(p)
	for len(p) > 0 && !s.done {
		if len(s.hdr) < 4 {
			k := min(4-len(s.hdr), len(p))
			s.hdr = append(s.hdr, p[:k]...)
			p = p[k:]
			if len(s.hdr) == 4 {
				s.left = int(binary.BigEndian.Uint32(s.hdr))
				s.done = s.left == 0
			}
			continue
		}
		k := min(s.left, len(p))
		p, s.left = p[k:], s.left-k
		s.done = s.left == 0
	}
	if len(p) > 0 {
		if _, err := s.WriteCloser.Write(p); err != nil {
			return 0, err
		}
	}
	return n, nil
}
