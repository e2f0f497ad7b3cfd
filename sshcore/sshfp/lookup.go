package sshfp

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"time"
)

// resolvConf is glibc's resolver configuration.
const resolvConf = "/etc/resolv.conf"

// Lookup errors, worded as OpenSSH's dns_result_totext words
// getrrsetbyname's results.
var (
	ErrNoName = errors.New("name does not exist")
	ErrNoData = errors.New("data does not exist")
	ErrFail   = errors.New("general failure")
)

// RRSet is a host's SSHFP records, and whether the resolver vouched for
// them (the AD bit, believed only with options trust-ad).
type RRSet struct {
	RDatas [][]byte
	Secure bool
}

// Lookup asks the servers of /etc/resolv.conf for the SSHFP records of
// name, as OpenSSH 9.2 on Debian does (getrrsetbyname on glibc's
// res_query, no search list).
func Lookup(name string) (*RRSet, error) {
	c := readConfig(resolvConf)
	var idb [2]byte
	if _, err := io.ReadFull(rand.Reader, idb[:]); err != nil {
		return nil, ErrFail
	}
	q := &query{id: binary.BigEndian.Uint16(idb[:]), name: name, ad: c.trustAD}
	msg, err := q.pack()
	if err != nil {
		return nil, ErrFail
	}
	a := c.exchange(q, msg)
	if a == nil {
		return nil, ErrFail
	}
	switch {
	case a.rcode() == rcodeNXDomain:
		return nil, ErrNoName
	case a.rcode() != rcodeNoError:
		return nil, ErrFail
	case a.ancount == 0:
		return nil, ErrNoData
	case a.malformed || a.qdcount != 1:
		return nil, ErrFail
	}
	return &RRSet{RDatas: a.rdatas, Secure: c.trustAD && a.authentic()}, nil
}

// exchange sends the query to each server in turn, attempts times, and
// returns the first usable answer: one that is not a server failure
// (SERVFAIL, NOTIMP, REFUSED), by TCP when the UDP answer was truncated;
// nil when none came. As glibc's res_send, the wait for server i is
// timeout<<i seconds, divided (in whole seconds) by the number of servers
// for i > 0, at least one; the same at every attempt. rotate starts at a
// random server.
func (c *config) exchange(q *query, msg []byte) *answer {
	n := len(c.servers)
	offset := 0
	if c.rotate && n > 1 {
		var b [1]byte
		rand.Read(b[:])
		offset = int(b[0]) % n
	}
	var last *answer
	for try := 0; try < c.attempts; try++ {
		for shift := 0; shift < n; shift++ {
			i := (shift + offset) % n
			secs := int(c.timeout/time.Second) << i
			if i > 0 {
				secs /= n
			}
			timeout := time.Duration(max(secs, 1)) * time.Second
			srv := c.servers[i]
			var a *answer
			if c.useVC {
				a = exchangeTCP(srv, q, msg, timeout)
			} else if a = exchangeUDP(srv, q, msg, timeout); a != nil && a.truncated() {
				a = exchangeTCP(srv, q, msg, timeout)
			}
			if a == nil {
				continue
			}
			switch a.rcode() {
			case rcodeServFail, rcodeNotImp, rcodeRefused:
				last = a
				continue
			}
			return a
		}
	}
	return last
}

// matches: a is the answer to q (glibc's res_queriesmatch).
func (a *answer) matches(q *query) bool {
	return a.id == q.id && a.isResponse() && a.qdcount >= 1 &&
		a.qtype == typeSSHFP && a.qclass == classIN &&
		a.qname == strings.ToLower(strings.TrimSuffix(q.name, "."))
}

func exchangeUDP(srv string, q *query, msg []byte, timeout time.Duration) *answer {
	conn, err := net.Dial("udp", srv)
	if err != nil {
		return nil
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	if _, err := conn.Write(msg); err != nil {
		return nil
	}
	buf := make([]byte, 65535)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return nil
		}
		// Anything else (a stray or forged datagram) is ignored, and
		// the wait goes on.
		if a := parseAnswer(buf[:n]); a != nil && a.matches(q) {
			return a
		}
	}
}

func exchangeTCP(srv string, q *query, msg []byte, timeout time.Duration) *answer {
	conn, err := net.DialTimeout("tcp", srv, timeout)
	if err != nil {
		return nil
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	out := binary.BigEndian.AppendUint16(nil, uint16(len(msg)))
	if _, err := conn.Write(append(out, msg...)); err != nil {
		return nil
	}
	var size [2]byte
	if _, err := io.ReadFull(conn, size[:]); err != nil {
		return nil
	}
	buf := make([]byte, binary.BigEndian.Uint16(size[:]))
	if _, err := io.ReadFull(conn, buf); err != nil {
		return nil
	}
	if a := parseAnswer(buf); a != nil && a.matches(q) {
		return a
	}
	return nil
}
