package sshfp

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// fakeServer answers on 127.0.0.1 (UDP and TCP, one port) with what
// reply makes of a query and the protocol. reply is called with mu held:
// the two listeners' goroutines are ordered only through the network,
// which the race detector does not see.
func fakeServer(t *testing.T, mu *sync.Mutex, reply func(q []byte, proto string) [][]byte) string {
	t.Helper()
	reply0 := reply
	reply = func(q []byte, proto string) [][]byte {
		mu.Lock()
		defer mu.Unlock()
		return reply0(q, proto)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		t.Skipf("no TCP on the UDP port: %v", err)
	}
	t.Cleanup(func() { pc.Close(); l.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			for _, r := range reply(append([]byte(nil), buf[:n]...), "udp") {
				pc.WriteTo(r, from)
			}
		}
	}()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			var size [2]byte
			io.ReadFull(c, size[:])
			q := make([]byte, binary.BigEndian.Uint16(size[:]))
			io.ReadFull(c, q)
			for _, r := range reply(q, "tcp") {
				c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(r))), r...))
			}
			c.Close()
		}
	}()
	return pc.LocalAddr().String()
}

func TestExchange(t *testing.T) {
	rec := []byte{0, 44, 4, 2, 1, 2, 3}
	var protos []string
	var mu sync.Mutex
	srv := fakeServer(t, &mu, func(q []byte, proto string) [][]byte {
		protos = append(protos, proto)
		id := binary.BigEndian.Uint16(q)
		if proto == "udp" {
			// A stray answer, one to another question, then the truncated one.
			return [][]byte{
				response(id+1, flagQR, "h.test", rec),
				response(id, flagQR, "other.test", rec),
				response(id, flagQR|flagTC|flagAD, "h.test"),
			}
		}
		return [][]byte{response(id, flagQR|flagAD, "h.test", rec)}
	})
	c := &config{servers: []string{srv}, timeout: 2 * time.Second, attempts: 1}
	q := &query{id: 99, name: "h.test"}
	msg, _ := q.pack()
	a := c.exchange(q, msg)
	if a == nil || len(a.rdatas) != 1 || !a.authentic() {
		t.Fatalf("answer %+v", a)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(protos) != 2 || protos[0] != "udp" || protos[1] != "tcp" {
		t.Errorf("asked over %v", protos)
	}
}

func TestExchangeServFailNextServer(t *testing.T) {
	rec := []byte{0, 44, 4, 2, 1}
	bad := fakeServer(t, new(sync.Mutex), func(q []byte, _ string) [][]byte {
		return [][]byte{response(binary.BigEndian.Uint16(q), flagQR|rcodeServFail, "h.test")}
	})
	good := fakeServer(t, new(sync.Mutex), func(q []byte, _ string) [][]byte {
		return [][]byte{response(binary.BigEndian.Uint16(q), flagQR, "h.test", rec)}
	})
	c := &config{servers: []string{bad, good}, timeout: 2 * time.Second, attempts: 1}
	q := &query{id: 5, name: "h.test"}
	msg, _ := q.pack()
	if a := c.exchange(q, msg); a == nil || a.rcode() != 0 || len(a.rdatas) != 1 {
		t.Errorf("answer %+v", a)
	}
	c.servers = []string{bad}
	if a := c.exchange(q, msg); a == nil || a.rcode() != rcodeServFail {
		t.Errorf("only SERVFAIL: %+v", a)
	}
}
