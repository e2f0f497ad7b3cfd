package sshfp

import (
	"bufio"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// config is what glibc's resolver takes from /etc/resolv.conf and
// RES_OPTIONS for a res_query: the servers and how to ask them. (edns0
// changes nothing: the query has EDNS0 anyway.)
type config struct {
	servers  []string      // host:port, at most three, in order
	timeout  time.Duration // per try, before glibc's back-off
	attempts int
	rotate   bool
	trustAD  bool // ask for the AD bit and believe it in answers
	useVC    bool // TCP only
}

// glibc's defaults and limits (resolv.h: RES_TIMEOUT, RES_DFLRETRY,
// RES_MAXRETRANS, RES_MAXRETRY, MAXNS).
const (
	defaultTimeout  = 5
	defaultAttempts = 2
	maxTimeout      = 30
	maxAttempts     = 5
	maxServers      = 3
)

// readConfig reads a resolv.conf as glibc does; a missing file means the
// defaults, a server on the local machine included.
func readConfig(path string) *config {
	c := &config{timeout: defaultTimeout * time.Second, attempts: defaultAttempts}
	if f, err := os.Open(path); err == nil {
		defer f.Close()
		s := bufio.NewScanner(f)
		for s.Scan() {
			line := s.Text()
			if line == "" || line[0] == '#' || line[0] == ';' {
				continue
			}
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			switch fields[0] {
			case "nameserver":
				if len(c.servers) < maxServers {
					if addr := serverAddr(fields[1]); addr != "" {
						c.servers = append(c.servers, addr)
					}
				}
			case "options":
				c.options(fields[1:])
			}
		}
	}
	c.options(strings.Fields(os.Getenv("RES_OPTIONS")))
	if len(c.servers) == 0 {
		c.servers = []string{"127.0.0.1:53"}
	}
	return c
}

// serverAddr is a nameserver line's address with port 53, "" when it is
// not an address (glibc skips such lines).
func serverAddr(s string) string {
	host, zone, _ := strings.Cut(s, "%")
	ip := net.ParseIP(host)
	if ip == nil {
		return ""
	}
	if zone != "" && ip.To4() == nil {
		host += "%" + zone
	}
	return net.JoinHostPort(host, "53")
}

// options applies an options line's words; glibc ignores those it does
// not know, and bounds the numbers.
func (c *config) options(words []string) {
	for _, w := range words {
		name, val, _ := strings.Cut(w, ":")
		switch name {
		case "timeout":
			if n, ok := optNumber(val); ok {
				c.timeout = time.Duration(min(n, maxTimeout)) * time.Second
			}
		case "attempts":
			if n, ok := optNumber(val); ok {
				c.attempts = min(n, maxAttempts)
			}
		case "rotate":
			c.rotate = true
		case "trust-ad":
			c.trustAD = true
		case "use-vc":
			c.useVC = true
		}
	}
}

// optNumber reads an option's number as glibc's atoi does: leading digits,
// nothing read being 0.
func optNumber(s string) (int, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i < 9 {
		i++
	}
	n, _ := strconv.Atoi(s[:i])
	return n, true
}
