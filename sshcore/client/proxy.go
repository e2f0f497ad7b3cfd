package client

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
)

// cmdConn is the byte stream of a ProxyCommand: its stdout read, its stdin
// written. Closing it ends the command.
type cmdConn struct {
	cmd *exec.Cmd
	r   io.ReadCloser
	w   io.WriteCloser
}

func (c *cmdConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *cmdConn) Write(p []byte) (int, error) { return c.w.Write(p) }
func (c *cmdConn) Close() error {
	c.w.Close()
	c.r.Close()
	if c.cmd.Process != nil {
		c.cmd.Process.Kill()
	}
	c.cmd.Wait()
	return nil
}
func (c *cmdConn) LocalAddr() net.Addr                { return pipeAddr{} }
func (c *cmdConn) RemoteAddr() net.Addr               { return pipeAddr{} }
func (c *cmdConn) SetDeadline(t time.Time) error      { return nil }
func (c *cmdConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *cmdConn) SetWriteDeadline(t time.Time) error { return nil }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "UNKNOWN:0" }

// Hop is one ProxyJump destination.
type Hop struct {
	User string
	Host string
	Port int // 0 = from the configuration
}

// ParseDestination reads "[user@]host[:port]" or "ssh://[user@]host[:port]".
// A bare IPv6 address may be written in brackets.
func ParseDestination(s string) (Hop, error) {
	h, err := parseDestination(s)
	if err != nil {
		return h, fmt.Errorf(msgBadDestination, s, err)
	}
	return h, nil
}

func parseDestination(s string) (Hop, error) {
	var h Hop
	if strings.HasPrefix(s, "ssh://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return h, errors.New("bad URI")
		}
		if u.User != nil {
			h.User = u.User.Username()
		}
		h.Host = u.Hostname()
		if p := u.Port(); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return h, errors.New("bad port")
			}
			h.Port = n
		}
		if h.Host == "" {
			return h, errors.New("bad URI")
		}
		return h, nil
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		h.User, s = s[:i], s[i+1:]
		if h.User == "" {
			return h, errors.New("empty user name")
		}
	}
	h.Host = s
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return h, errors.New("unterminated [")
		}
		h.Host = s[1:end]
		rest := s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return h, errors.New("junk after ]")
			}
			n, err := strconv.Atoi(rest[1:])
			if err != nil || n < 1 || n > 65535 {
				return h, errors.New("bad port")
			}
			h.Port = n
		}
	} else if strings.Count(s, ":") == 1 {
		i := strings.Index(s, ":")
		n, err := strconv.Atoi(s[i+1:])
		if err != nil || n < 1 || n > 65535 {
			return h, errors.New("bad port")
		}
		h.Host, h.Port = s[:i], n
	}
	if h.Host == "" || strings.ContainsAny(h.Host, " \t/'\"") {
		return h, errors.New("bad host name")
	}
	return h, nil
}

// ParseJump splits a ProxyJump list.
func ParseJump(spec string) ([]Hop, error) {
	var hops []Hop
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		h, err := ParseDestination(part)
		if err != nil {
			return nil, fmt.Errorf("ProxyJump: %v", err)
		}
		hops = append(hops, h)
	}
	return hops, nil
}

// hopOptions gives the options for one jump host: through HopOptions when
// the caller reads configuration files, otherwise the command line's
// identities and known hosts with the hop's own address.
func (c *Client) hopOptions(h Hop) (*configfmt.ClientOptions, error) {
	if c.HopOptions != nil {
		return c.HopOptions(h)
	}
	o := *c.Opts
	o.Host, o.HostName, o.HostKeyAlias = h.Host, h.Host, ""
	o.Port = 22
	if h.Port != 0 {
		o.Port = h.Port
	}
	if h.User != "" {
		o.User = h.User
	}
	o.ProxyJump, o.ProxyCommand, o.RemoteCommand = "", "", ""
	o.LocalForward, o.RemoteForward, o.DynamicForward = nil, nil, nil
	return &o, nil
}

// dialJump connects through every ProxyJump hop with sshbox's own client,
// in process: each hop's connection carries the next one as a direct-tcpip
// channel, and the last one carries the target.
func (c *Client) dialJump() (net.Conn, error) {
	hops, err := ParseJump(c.Opts.ProxyJump)
	if err != nil {
		return nil, fatalf("ssh: %v", err)
	}
	// Each hop carries one forwarding, as the ssh -W that OpenSSH runs
	// for it does, and is then told it will carry no session
	// (requestNoMoreSessions), as that ssh tells it.
	var prev *ssh.Client
	var prevHop *Client
	for _, h := range hops {
		ho, err := c.hopOptions(h)
		if err != nil {
			return nil, err
		}
		hc := &Client{Opts: ho, Log: c.Log, Prompt: c.Prompt}
		var conn net.Conn
		if prev == nil {
			conn, err = hc.dialTarget()
		} else {
			c.Log.Debug1("Connecting to %s port %d through the previous jump host.", ho.HostName, ho.Port)
			conn, err = dialStdio(prev, ho.HostName, ho.Port)
			if err != nil {
				err = fatalf(msgJumpOpenFailed, err)
			} else {
				prevHop.requestNoMoreSessions(prev)
			}
		}
		if err != nil {
			return nil, err
		}
		if prev, err = hc.handshake(conn); err != nil {
			return nil, err
		}
		prevHop = hc
		c.jumps = append(c.jumps, prev)
	}
	o := c.Opts
	conn, err := dialStdio(prev, o.HostName, o.Port)
	if err != nil {
		return nil, fatalf(msgJumpTargetFailed, o.HostName, o.Port, err)
	}
	prevHop.requestNoMoreSessions(prev)
	return conn, nil
}
