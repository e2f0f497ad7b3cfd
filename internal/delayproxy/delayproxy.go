// Package delayproxy is a TCP relay that holds every chunk it carries for
// a fixed delay in each direction, without limiting bandwidth: the
// benchmark's stand-in for a long link on a kernel without netem.
package delayproxy

import (
	"net"
	"sync"
	"time"
)

// Proxy relays connections accepted on a listener to Target.
type Proxy struct {
	Target string
	Delay  time.Duration // added to each direction
}

// Serve accepts until l is closed.
func (p *Proxy) Serve(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go p.handle(c)
	}
}

func (p *Proxy) handle(c net.Conn) {
	defer c.Close()
	t, err := net.Dial("tcp", p.Target)
	if err != nil {
		return
	}
	defer t.Close()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pipe(t, c) }()
	go func() { defer wg.Done(); p.pipe(c, t) }()
	wg.Wait()
}

// stamped is a chunk and the time it may leave.
type stamped struct {
	data []byte
	due  time.Time
}

// pipe copies src to dst, each chunk released Delay after it arrived. The
// queue between reader and writer is what lets a whole window be in
// flight, as on a real long link.
func (p *Proxy) pipe(dst, src net.Conn) {
	q := make(chan stamped, 8192)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 64*1024)
			n, err := src.Read(buf)
			if n > 0 {
				q <- stamped{buf[:n], time.Now().Add(p.Delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for s := range q {
		if d := time.Until(s.due); d > 0 {
			time.Sleep(d)
		}
		if _, err := dst.Write(s.data); err != nil {
			// The far side is gone: stop the reader and drain the queue
			// so that it is not stuck on a full one.
			src.Close()
			for range q {
			}
			return
		}
	}
	if tc, ok := dst.(interface{ CloseWrite() error }); ok {
		tc.CloseWrite()
	}
}
