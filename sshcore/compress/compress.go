// Package compress turns OpenSSH's Compression options into the methods
// each side offers, and reads what compression did on a connection. The
// compressing itself is in sshbox's copy of x/crypto/ssh
// (_xcrypto/ssh/compression_sshbox.go, added by scripts/xcrypto); a plain
// build has none, and there every connection negotiates "none".
package compress

import (
	"fmt"

	"golang.org/x/crypto/ssh"
)

// Level is the zlib level OpenSSH deflates at, which ssh -v names as
// OpenSSH's does; sshbox's deflater compresses about as well.
const Level = 6

// The methods, as OpenSSH names them: "zlib@openssh.com" starts after the
// login, "zlib" at the first key exchange (OpenSSH's client still offers
// it; its server, and sshbox's, no longer do).
const (
	None    = "none"
	Delayed = "zlib@openssh.com"
	Zlib    = "zlib"
)

type offerer interface{ SetCompressions([]string) }

// Available reports whether this build compresses.
func Available() bool {
	_, ok := any(&ssh.Config{}).(offerer)
	return ok
}

// Supported is what `ssh -Q compression` lists.
func Supported() []string {
	if !Available() {
		return []string{None}
	}
	return []string{None, Delayed, Zlib}
}

// ClientMethods is the client's offer, OpenSSH's: every method, the ones
// that compress first when Compression is yes.
func ClientMethods(compress bool) []string {
	if !Available() {
		return []string{None}
	}
	if compress {
		return []string{Delayed, Zlib, None}
	}
	return []string{None, Delayed, Zlib}
}

// ServerMethods is sshd's offer, OpenSSH's: compression after the login
// for a client that asks for it, unless Compression is no.
func ServerMethods(compress bool) []string {
	if !compress || !Available() {
		return []string{None}
	}
	return []string{None, Delayed}
}

// Offer puts methods into the KEXINIT cfg sends. It reports false when
// this build cannot compress (only "none" goes out then).
func Offer(cfg *ssh.Config, methods []string) bool {
	o, ok := any(cfg).(offerer)
	if ok {
		o.SetCompressions(methods)
	}
	return ok
}

// Stats is what compression did on a connection, each way: payload bytes
// before deflating and after (Out), after inflating and before (In).
type Stats struct {
	OutRaw, OutWire, InRaw, InWire uint64
}

type reporter interface {
	CompressionStats() (outRaw, outWire, inRaw, inWire uint64, ok bool)
}

// StatsOf reports conn's figures, and false when neither direction has
// compressed anything.
func StatsOf(conn ssh.Conn) (Stats, bool) {
	switch c := conn.(type) {
	case *ssh.ServerConn:
		conn = c.Conn
	case *ssh.Client:
		conn = c.Conn
	}
	r, ok := conn.(reporter)
	if !ok {
		return Stats{}, false
	}
	var s Stats
	s.OutRaw, s.OutWire, s.InRaw, s.InWire, ok = r.CompressionStats()
	return s, ok
}

// Lines are OpenSSH's debug lines for the figures, as its ssh and sshd
// log them when the connection closes.
func (s Stats) Lines() []string {
	return []string{
		fmt.Sprintf("compress outgoing: raw data %d, compressed %d, factor %.2f", s.OutRaw, s.OutWire, factor(s.OutWire, s.OutRaw)),
		fmt.Sprintf("compress incoming: raw data %d, compressed %d, factor %.2f", s.InRaw, s.InWire, factor(s.InWire, s.InRaw)),
	}
}

func factor(wire, raw uint64) float64 {
	if raw == 0 {
		return 0
	}
	return float64(wire) / float64(raw)
}
