package server

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/crypto/ssh"
)

// X11 forwarding (ssh -X, -Y), as OpenSSH's session.c and channels.c do it.
// An "x11-req" before the session's program starts makes sshd listen on TCP
// port 6000+N for the first display number N from X11DisplayOffset that is
// free (the loopback addresses with X11UseLocalhost yes, every address
// with no), and each connection to it becomes an "x11" channel to the
// client, whose ssh connects it to the real display. The session gets
// DISPLAY=localhost:N.S (or HOST:N.S), and before its program runs the
// cookie the client sent is given to the user's xauth (or to ~/.ssh/rc or
// /etc/ssh/sshrc on standard input, which then have to do it: userrc.go).
// sshd never looks inside the X11 traffic; the client checks the cookie
// and swaps in the display's real one.

// x11Request is the payload of "x11-req" (RFC 4254 6.3.1).
type x11Request struct {
	SingleConnection bool
	AuthProtocol     string
	AuthCookie       string
	ScreenNumber     uint32
}

// x11Forward is one session's forwarded display.
type x11Forward struct {
	proto, cookie string
	display       string // DISPLAY of the session
	authDisplay   string // the display xauth is told about
	listeners     []net.Listener
}

// x11MaxDisplays is how many display numbers from X11DisplayOffset on are
// tried (OpenSSH's MAX_DISPLAYS).
const x11MaxDisplays = 1000

// xauthValid is OpenSSH's xauth_valid_string: the protocol name and the
// cookie end up on xauth's command lines, so nothing but these characters
// may reach it.
func xauthValid(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '.', r == ':', r == '/', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}

// x11Forwarding answers an "x11-req": the checks and messages of OpenSSH's
// session_x11_req and session_setup_x11fwd, then the display's listeners.
func (s *session) x11Forwarding(payload []byte) bool {
	c := s.c
	log := c.srv.log()
	opts := c.user.opts
	if s.x11 != nil {
		log.Errorf(msgX11Active)
		return false
	}
	var m x11Request
	if err := ssh.Unmarshal(payload, &m); err != nil {
		return false
	}
	if !xauthValid(m.AuthProtocol) || !xauthValid(m.AuthCookie) {
		log.Errorf(msgX11BadData)
		return false
	}
	if !c.x11ForwardingAllowed() {
		if c.auth != nil && c.auth.NoX11Forwarding {
			log.Debugf(msgX11KeyDenied)
			c.sendDebug(msgX11KeyDenied)
		} else {
			log.Debugf(msgX11ConfigDenied)
		}
		return false
	}
	if st, err := os.Stat(opts.XAuthLocation); opts.XAuthLocation == "" || err != nil || st.IsDir() {
		log.Debugf(msgX11NoXauth)
		c.sendDebug(msgX11NoXauth)
		return false
	}
	ls, n, err := listenX11(opts.X11DisplayOffset, opts.X11UseLocalhost, opts.AddressFamily)
	if err != nil {
		log.Errorf("%v", err)
		return false
	}
	f := &x11Forward{proto: m.AuthProtocol, cookie: m.AuthCookie, listeners: ls}
	if opts.X11UseLocalhost {
		f.display = fmt.Sprintf("localhost:%d.%d", n, m.ScreenNumber)
		f.authDisplay = fmt.Sprintf("unix:%d.%d", n, m.ScreenNumber)
	} else {
		// The name goes on xauth's command line like the cookie.
		host, err := os.Hostname()
		if err == nil && !xauthValid(host) {
			err = fmt.Errorf("%q cannot name an X display", host)
		}
		if err != nil {
			closeListeners(ls)
			log.Errorf("gethostname: %v", err)
			return false
		}
		f.display = fmt.Sprintf("%s:%d.%d", host, n, m.ScreenNumber)
		f.authDisplay = f.display
	}
	s.x11 = f
	for _, l := range ls {
		c.sessions.Add(1)
		go func() {
			defer c.sessions.Done()
			defer c.recoverPanic()
			s.acceptX11(l, m.SingleConnection)
		}()
	}
	return true
}

// acceptX11 carries each connection to the display to the client in an
// "x11" channel, whose originator is the X client's address. A single
// connection request closes the display after the first.
func (s *session) acceptX11(l net.Listener, single bool) {
	s.c.acceptIntoChannels(l, "x11", func(lc net.Conn) []byte {
		s.c.srv.log().Debugf(msgX11Connection)
		if single {
			s.x11.close() // Accept then returns, ending the loop
		}
		host, port := "", 0
		if a, ok := lc.RemoteAddr().(*net.TCPAddr); ok {
			host, port = a.IP.String(), a.Port
		}
		return ssh.Marshal(struct {
			Host string
			Port uint32
		}{host, uint32(port)})
	})
}

// close stops listening on the display; connections already made stay.
func (f *x11Forward) close() {
	if f != nil {
		closeListeners(f.listeners)
	}
}

func closeListeners(ls []net.Listener) {
	for _, l := range ls {
		l.Close()
	}
}

// listenX11 finds the first display number from offset whose port
// (6000+N) is free on every address it needs, as OpenSSH's
// x11_create_display_inet: the loopback addresses, or with localhost
// false the wildcard ones, IPv4 and IPv6 as AddressFamily allows. An
// address family the host lacks is left out.
func listenX11(offset int, localhost bool, family string) ([]net.Listener, int, error) {
	var addrs []string
	if family != "inet6" {
		addrs = append(addrs, map[bool]string{true: "127.0.0.1", false: "0.0.0.0"}[localhost])
	}
	if family != "inet" {
		addrs = append(addrs, map[bool]string{true: "::1", false: "::"}[localhost])
	}
	for n := offset; n < offset+x11MaxDisplays; n++ {
		var ls []net.Listener
		busy := false
		for _, a := range addrs {
			network := "tcp4"
			if a == "::1" || a == "::" {
				network = "tcp6" // IPV6_V6ONLY, as OpenSSH sets it
			}
			l, err := net.Listen(network, net.JoinHostPort(a, strconv.Itoa(6000+n)))
			if err == nil {
				ls = append(ls, l)
				continue
			}
			if errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EADDRNOTAVAIL) {
				continue // no such address here (an IPv4-only host, say)
			}
			busy = true
			break
		}
		if !busy && len(ls) > 0 {
			return ls, n, nil
		}
		closeListeners(ls)
	}
	return nil, 0, errors.New(msgX11NoDisplay)
}
