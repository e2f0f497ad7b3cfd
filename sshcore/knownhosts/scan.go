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

// DefaultScanTypes are fetched when no -t is given, as ssh-keyscan.
var DefaultScanTypes = []string{"rsa", "ecdsa", "ed25519"}

var errGotKey = errors.New("host key received")

// ScanResult is one fetched host key, or why it could not be fetched.
type ScanResult struct {
	Type    string // the -t name
	Key     ssh.PublicKey
	Version string // the server's identification string
	Err     error
}

// Scan connects to host:port once per key type, offering only that type's
// algorithms, captures the host key in the callback and aborts the
// handshake, as ssh-keyscan does.
func Scan(host string, port int, types []string, timeout time.Duration) []ScanResult {
	var out []ScanResult
	addr := net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port))
	for _, t := range types {
		algos, ok := ScanTypes[t]
		if !ok {
			out = append(out, ScanResult{Type: t, Err: fmt.Errorf("unknown key type %s", t)})
			continue
		}
		r := ScanResult{Type: t}
		conn, err := net.DialTimeout("tcp", addr, timeout)
		if err != nil {
			r.Err = err
			out = append(out, r)
			continue
		}
		conn.SetDeadline(time.Now().Add(timeout))
		rec := &versionConn{Conn: conn}
		cfg := &ssh.ClientConfig{
			User:              "known-hosts-scan",
			HostKeyAlgorithms: algos,
			Timeout:           timeout,
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
		conn.Close()
		if r.Key == nil {
			r.Err = err
		}
		out = append(out, r)
	}
	return out
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
