package server

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
)

// startups is a parsed MaxStartups: from Start unauthenticated connections
// on, a new one is dropped with probability Rate percent, rising linearly
// to 100% at Full.
type startups struct{ Start, Rate, Full int }

// parseMaxStartups reads "start:rate:full" or "n" (which is n:100:n, every
// connection beyond n refused).
func parseMaxStartups(s string) (startups, error) {
	parts := strings.Split(s, ":")
	var n [3]int
	if len(parts) != 1 && len(parts) != 3 {
		return startups{}, fmt.Errorf("MaxStartups %q: want start:rate:full or a number", s)
	}
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return startups{}, fmt.Errorf("MaxStartups %q: %q is not a number", s, p)
		}
		n[i] = v
	}
	if len(parts) == 1 {
		return startups{n[0], 100, n[0]}, nil
	}
	st := startups{n[0], n[1], n[2]}
	if st.Rate > 100 || st.Start > st.Full || st.Start == 0 {
		return startups{}, fmt.Errorf("MaxStartups %q: want 0 < start <= full and rate <= 100", s)
	}
	return st, nil
}

// drop decides whether a new connection is refused when n others are still
// unauthenticated (OpenSSH's drop_connection).
func (st startups) drop(n int, roll func() int) bool {
	if n < st.Start {
		return false
	}
	if n >= st.Full {
		return true
	}
	p := st.Rate
	if st.Full > st.Start {
		p += (100 - st.Rate) * (n - st.Start) / (st.Full - st.Start)
	}
	return roll() < p
}

// admitStartup counts a new connection as unauthenticated, or refuses it
// past MaxStartups (logged as OpenSSH does), before any key exchange is
// spent on it. The returned function ends the count; it is called once
// authentication is over, whichever way.
func (s *Server) admitStartup(nc net.Conn, spec string) (done func(), ok bool) {
	if spec == "" {
		spec = "10:30:100"
	}
	st, err := parseMaxStartups(spec)
	if err != nil {
		s.log().Errorf("%v", err)
		st = startups{10, 30, 100}
	}
	s.mu.Lock()
	n := s.preauth
	if st.drop(n, func() int { return rand.IntN(100) }) {
		s.dropped++
		count := s.dropped
		s.mu.Unlock()
		s.refuseConn(nc, count, whyMaxStartups)
		return nil, false
	}
	s.preauth++
	s.mu.Unlock()
	var once bool
	return func() {
		s.mu.Lock()
		if !once {
			once = true
			s.preauth--
		}
		s.mu.Unlock()
	}, true
}
