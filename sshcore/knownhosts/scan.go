package knownhosts

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// ScanTypes maps ssh-keyscan's -t names to the host key algorithms that
// fetch that key type.
var ScanTypes = map[string][]string{
	"ed25519": {ssh.KeyAlgoED25519},
	"ecdsa":   {ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521},
	"rsa":     {ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA},
}

// scanCertTypes are the algorithms that fetch each type's certificate
// (ssh-keyscan -c).
var scanCertTypes = map[string][]string{
	"ed25519": {ssh.CertAlgoED25519v01},
	"ecdsa":   {ssh.CertAlgoECDSA256v01, ssh.CertAlgoECDSA384v01, ssh.CertAlgoECDSA521v01},
	"rsa":     {ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01, ssh.CertAlgoRSAv01},
}

// DefaultScanTypes are fetched when no -t is given, as ssh-keyscan.
var DefaultScanTypes = []string{"rsa", "ecdsa", "ed25519"}

var errGotKey = errors.New("host key received")

// ScanResult is what one connection brought back. A server that lacks the
// type answers with its version and no key, and no error: that is the
// normal case, not a failure. Err is set only when there was no SSH
// server to ask (no connection, no identification string).
type ScanResult struct {
	Type    string // the -t name
	Key     ssh.PublicKey
	Version string // the server's identification string
	Err     error
}

// ScanOptions are ssh-keyscan's knobs.
type ScanOptions struct {
	Port    int
	Types   []string
	Timeout time.Duration
	Network string // "tcp", "tcp4" (-4) or "tcp6" (-6)
	Certs   bool   // fetch certificates instead of plain keys (-c)
}

// Scan connects to host:port once per key type, offering only that type's
// algorithms, captures the host key in the callback and aborts the
// handshake, as ssh-keyscan does.
func Scan(host string, port int, types []string, timeout time.Duration) []ScanResult {
	return ScanWith(host, ScanOptions{Port: port, Types: types, Timeout: timeout})
}

// ScanWith is Scan with all of ssh-keyscan's options. When the host
// cannot be reached at all (no address, connection refused) the remaining
// types are not tried: the next connection would fail alike. A connection
// the server drops early (sshd's MaxStartups under load) does not stop the
// others.
func ScanWith(host string, o ScanOptions) []ScanResult {
	if o.Network == "" {
		o.Network = "tcp"
	}
	addr := net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(o.Port))
	var out []ScanResult
	for _, t := range o.Types {
		algos := ScanTypes[t]
		if o.Certs {
			algos = scanCertTypes[t]
		}
		r := scanOne(addr, t, algos, o)
		out = append(out, r)
		var opErr *net.OpError
		if errors.As(r.Err, &opErr) && opErr.Op == "dial" {
			break
		}
	}
	return out
}

func scanOne(addr, typ string, algos []string, o ScanOptions) ScanResult {
	r := ScanResult{Type: typ}
	if len(algos) == 0 {
		r.Err = errors.New("unknown key type " + typ)
		return r
	}
	conn, err := net.DialTimeout(o.Network, addr, o.Timeout)
	if err != nil {
		r.Err = err
		return r
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(o.Timeout))
	rec := &versionConn{Conn: conn}
	cfg := &ssh.ClientConfig{
		User:              "known-hosts-scan",
		HostKeyAlgorithms: algos,
		Timeout:           o.Timeout,
		HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error {
			r.Key = key
			return errGotKey
		},
		BannerCallback: func(string) error { return nil },
	}
	c, _, _, err := ssh.NewClientConn(rec, addr, cfg)
	if c != nil {
		c.Close()
	}
	r.Version = rec.version()
	if r.Key == nil && r.Version == "" {
		r.Err = err
	}
	return r
}

// versionConn keeps the first bytes the server sends, where its
// identification string is: the aborted handshake leaves no ssh.Conn to
// ask.
type versionConn struct {
	net.Conn
	head []byte
}

func (c *versionConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if room := 1024 - len(c.head); room > 0 {
		c.head = append(c.head, p[:min(n, room)]...)
	}
	return n, err
}

// version is the server's identification line, safe to print: a server
// may send any bytes, so what is not printable ASCII is shown as \ooo
// (as OpenSSH's log does) and never reaches the user's terminal raw.
func (c *versionConn) version() string {
	return versionLine(c.head)
}

func versionLine(head []byte) string {
	for _, line := range strings.Split(string(head), "\n") {
		if strings.HasPrefix(line, "SSH-") {
			line = strings.TrimSuffix(line, "\r")
			var b strings.Builder
			for i := 0; i < len(line); i++ {
				if ch := line[i]; ch >= 0x20 && ch < 0x7f && ch != '\\' {
					b.WriteByte(ch)
				} else {
					fmt.Fprintf(&b, "\\%03o", ch)
				}
			}
			return b.String()
		}
	}
	return ""
}
