package client

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// X11 forwarding (-X, -Y, ForwardX11), as OpenSSH's ssh does it. The server
// is sent a fake cookie of the same length as the display's own; each "x11"
// channel the server opens is connected to $DISPLAY here, and its first
// packet (the X client's connection setup) must carry the fake cookie,
// which is swapped for the real one before anything reaches the display.
// The server never learns the display's cookie. ForwardX11Trusted no makes
// the real cookie an untrusted one (xauth generate ... untrusted), which
// the X server restricts through its SECURITY extension and stops
// accepting ForwardX11Timeout after it was made; sshbox refuses channels
// after that time too.

const x11Proto = "MIT-MAGIC-COOKIE-1"

// x11TimeoutSlack: the untrusted cookie outlives ssh's willingness to
// forward by this much, so the X server never fails open (OpenSSH's
// X11_TIMEOUT_SLACK).
const x11TimeoutSlack = 60 * time.Second

// x11Spoof is a connection's forwarded display: one proto and pair of
// cookies for every session on it (OpenSSH keeps them per connection too).
type x11Spoof struct {
	display  string
	proto    string
	real     []byte
	fake     []byte
	deadline time.Time // zero: no ForwardX11Timeout
}

// x11State is the Client's X11 forwarding, shared by the master's sessions.
type x11State struct {
	mu      sync.Mutex
	spoof   *x11Spoof
	handled *ssh.Client // the connection whose "x11" channels are served (ssh has one)
}

// handleX11 serves the "x11" channels of conn: connected to the display
// when this ssh forwards X11, else refused with OpenSSH's warning about a
// server that opens them unasked.
func (c *Client) handleX11(conn *ssh.Client) {
	c.x11.mu.Lock()
	defer c.x11.mu.Unlock()
	if c.x11.handled == conn {
		return
	}
	c.x11.handled = conn
	chans := conn.HandleChannelOpen("x11")
	if chans == nil {
		return
	}
	go func() {
		for nch := range chans {
			go c.x11Channel(nch)
		}
	}()
}

// RequestX11 asks the server to forward X11 for session s (ssh -X, -Y, or
// a shared connection's session); it does nothing without ForwardX11. It
// reports whether the session was made interactive by it (IPQoS).
func (c *Client) RequestX11(conn *ssh.Client, s ChannelRequester) bool {
	c.handleX11(conn)
	if !c.Opts.ForwardX11 {
		return false
	}
	// Set but empty is a display too, as for OpenSSH's getenv.
	display, ok := os.LookupEnv("DISPLAY")
	if !ok {
		c.Log.Debug1("X11 forwarding requested but DISPLAY not set")
		return false
	}
	sp, err := c.x11Cookies(display)
	if err != nil {
		return false
	}
	screen := uint32(0)
	if _, after, ok := strings.Cut(display, ":"); ok {
		if _, sc, ok := strings.Cut(after, "."); ok {
			if n, err := strconv.ParseUint(sc, 10, 32); err == nil && n <= 400 {
				screen = uint32(n)
			}
		}
	}
	c.Log.Debug1("Requesting X11 forwarding with authentication spoofing.")
	ok, err = s.SendRequest("x11-req", true, ssh.Marshal(struct {
		Single bool
		Proto  string
		Cookie string
		Screen uint32
	}{false, sp.proto, hex.EncodeToString(sp.fake), screen}))
	if err == nil && !ok {
		c.Log.Error(msgX11ReqFailed)
	}
	return true
}

// x11Cookies works out the display's protocol and cookie once per ssh
// (OpenSSH's client_x11_get_proto) and makes the fake one sent instead.
func (c *Client) x11Cookies(display string) (*x11Spoof, error) {
	c.x11.mu.Lock()
	defer c.x11.mu.Unlock()
	if sp := c.x11.spoof; sp != nil {
		if sp.display != display {
			c.Log.Error("x11_request_forwarding_with_spoofing: different $DISPLAY already forwarded")
			return nil, errors.New("different display")
		}
		return sp, nil
	}
	proto, data, deadline, err := c.x11Proto(display)
	if err != nil {
		return nil, err
	}
	real, err := hex.DecodeString(data)
	if err != nil || len(real) == 0 {
		c.Log.Error("x11_request_forwarding: bad authentication data: %.100s", data)
		return nil, errors.New("bad cookie")
	}
	fake := make([]byte, len(real))
	rand.Read(fake)
	c.x11.spoof = &x11Spoof{display: display, proto: proto, real: real, fake: fake, deadline: deadline}
	return c.x11.spoof, nil
}

// x11Proto asks xauth for the display's cookie: the display's own
// (trusted), or a new untrusted one in a file of its own that lives
// ForwardX11Timeout plus some slack. Without xauth or its data a trusted
// forwarding gets a made-up cookie, which the X server ignores for its
// own local checks; an untrusted one is given up.
func (c *Client) x11Proto(display string) (proto, data string, deadline time.Time, err error) {
	o := c.Opts
	xauth := o.XAuthLocation
	if st, err := os.Stat(xauth); xauth == "" || err != nil || st.IsDir() {
		c.Log.Debug1("No xauth program.")
		xauth = ""
	}
	if xauth != "" {
		// xauth knows a local display by its unix: name.
		if rest, ok := strings.CutPrefix(display, "localhost:"); ok {
			display = "unix:" + rest
		}
		var file string
		if !o.ForwardX11Trusted {
			dir, err := os.MkdirTemp("", "ssh-")
			if err != nil {
				c.Log.Error("client_x11_get_proto: mkdtemp: %v", err)
				return "", "", time.Time{}, err
			}
			defer os.RemoveAll(dir)
			file = filepath.Join(dir, "xauthfile")
			args := []string{"-f", file, "generate", display, x11Proto, "untrusted"}
			if t := o.ForwardX11Timeout; t > 0 {
				args = append(args, "timeout", strconv.Itoa(int((t+x11TimeoutSlack)/time.Second)))
				deadline = time.Now().Add(t)
			}
			c.Log.Debug2("client_x11_get_proto: xauth command: %s %s", xauth, strings.Join(args, " "))
			if exec.Command(xauth, args...).Run() != nil {
				file = ""
			}
		}
		if o.ForwardX11Trusted || file != "" {
			args := []string{"list", display}
			if file != "" {
				args = append([]string{"-f", file}, args...)
			}
			c.Log.Debug2("x11_get_proto: %s %s", xauth, strings.Join(args, " "))
			out, _ := exec.Command(xauth, args...).Output()
			line, _, _ := bytes.Cut(out, []byte("\n"))
			if f := strings.Fields(string(line)); len(f) >= 3 {
				proto, data = f[1], f[2]
			}
		}
	}
	if data != "" {
		return proto, data, deadline, nil
	}
	if !o.ForwardX11Trusted {
		c.Log.Error(msgX11Untrusted)
		return "", "", time.Time{}, errors.New("no untrusted cookie")
	}
	c.Log.Info(msgX11FakeCookie)
	b := make([]byte, 16)
	rand.Read(b)
	return x11Proto, hex.EncodeToString(b), time.Time{}, nil
}

// x11Channel connects one X client on the server to the display.
func (c *Client) x11Channel(nch ssh.NewChannel) {
	c.x11.mu.Lock()
	sp := c.x11.spoof
	c.x11.mu.Unlock()
	if sp == nil {
		c.Log.Error("Warning: ssh server tried X11 forwarding.")
		c.Log.Error("Warning: this is probably a break-in attempt by a malicious server.")
		nch.Reject(ssh.Prohibited, "open failed")
		return
	}
	if sp.expired() {
		c.Log.Verbose(msgX11Expired)
		nch.Reject(ssh.Prohibited, "open failed")
		return
	}
	var orig struct {
		Host string
		Port uint32
	}
	if err := ssh.Unmarshal(nch.ExtraData(), &orig); err == nil {
		c.Log.Debug1("client_request_x11: request from %s %d", orig.Host, orig.Port)
	}
	dc, err := c.dialDisplay(sp.display)
	if err != nil {
		nch.Reject(ssh.ConnectionFailed, "open failed")
		return
	}
	ch, reqs, err := nch.Accept()
	if err != nil {
		dc.Close()
		return
	}
	go ssh.DiscardRequests(reqs)
	setup, err := sp.checkSetup(ch)
	if err != nil {
		if errors.Is(err, errX11Expired) {
			c.Log.Verbose(msgX11Expired)
		} else {
			c.Log.Debug2("%v", err)
			c.Log.Info(msgX11WrongAuth)
		}
		ch.Close()
		dc.Close()
		return
	}
	if _, err := dc.Write(setup); err != nil {
		ch.Close()
		dc.Close()
		return
	}
	pipe(ch, dc)
}

var errX11Expired = errors.New("expired")

func (sp *x11Spoof) expired() bool {
	return !sp.deadline.IsZero() && !time.Now().Before(sp.deadline)
}

// checkSetup reads the X client's connection setup from the channel (the
// fixed 12 bytes, then the protocol name and cookie, each padded to 4)
// and returns it with the fake cookie replaced by the real one, as
// OpenSSH's x11_open_helper; any other protocol or cookie is an error.
func (sp *x11Spoof) checkSetup(r io.Reader) ([]byte, error) {
	br := bufio.NewReader(r)
	head := make([]byte, 12)
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, err
	}
	if sp.expired() {
		return nil, errX11Expired
	}
	var order binary.ByteOrder
	switch head[0] {
	case 0x42:
		order = binary.BigEndian
	case 0x6c:
		order = binary.LittleEndian
	default:
		return nil, fmt.Errorf("Initial X11 packet contains bad byte order byte: 0x%x", head[0])
	}
	protoLen, dataLen := int(order.Uint16(head[6:])), int(order.Uint16(head[8:]))
	pad := func(n int) int { return (n + 3) &^ 3 }
	rest := make([]byte, pad(protoLen)+pad(dataLen))
	if _, err := io.ReadFull(br, rest); err != nil {
		return nil, err
	}
	if string(rest[:protoLen]) != sp.proto {
		return nil, errors.New("X11 connection uses different authentication protocol.")
	}
	cookie := rest[pad(protoLen) : pad(protoLen)+dataLen]
	if dataLen != len(sp.fake) || subtle.ConstantTimeCompare(cookie, sp.fake) != 1 {
		return nil, errors.New("X11 auth data does not match fake data.")
	}
	copy(cookie, sp.real)
	// Whatever the client sent after the setup was read with it.
	more := make([]byte, br.Buffered())
	br.Read(more)
	return append(append(head, rest...), more...), nil
}

// dialDisplay connects to the X display named as in $DISPLAY: a Unix
// socket for unix:N and :N (Linux's abstract name first, then the file),
// else TCP port 6000+N on the host; OpenSSH's x11_connect_display.
func (c *Client) dialDisplay(display string) (net.Conn, error) {
	i := strings.LastIndexByte(display, ':')
	if i < 0 {
		c.Log.Error("Could not find ':' in DISPLAY: %.100s", display)
		return nil, errors.New("bad DISPLAY")
	}
	host, num := display[:i], display[i+1:]
	if dot := strings.IndexByte(num, '.'); dot >= 0 {
		num = num[:dot]
	}
	n, err := strconv.ParseUint(num, 10, 16)
	if err != nil || n > 65535-6000 {
		c.Log.Error("Could not parse display number from DISPLAY: %.100s", display)
		return nil, errors.New("bad DISPLAY")
	}
	if host == "unix" || strings.HasPrefix(display, ":") {
		path := "/tmp/.X11-unix/X" + num
		if conn, err := net.Dial("unix", "@"+path); err == nil {
			return conn, nil
		}
		conn, err := net.Dial("unix", path)
		if err != nil {
			c.Log.Error("connect %.100s: %v", path, err)
		}
		return conn, err
	}
	addr := net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+int(n)))
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		c.Log.Error("connect %.100s port %d: %v", host, 6000+n, err)
		return nil, err
	}
	return conn, nil
}
