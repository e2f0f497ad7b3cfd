package client

import (
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
)

// socksVersion remembers which local connections came through -D (and
// which SOCKS version they spoke), so that the reply is sent once the
// channel is open or has failed.
var socksVersion sync.Map

// socksReply answers a SOCKS client; other connections are left alone.
func socksReply(c net.Conn, ok bool) {
	v, found := socksVersion.LoadAndDelete(c)
	if !found {
		return
	}
	switch {
	case v == 4 && ok:
		c.Write([]byte{0, 90, 0, 0, 0, 0, 0, 0})
	case v == 4:
		c.Write([]byte{0, 91, 0, 0, 0, 0, 0, 0})
	case ok:
		c.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	default:
		c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
	}
}

// socksHandshake reads a SOCKS4, SOCKS4a or SOCKS5 CONNECT request (no
// authentication) and returns the destination.
func socksHandshake(c net.Conn) (string, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		return "", err
	}
	switch hdr[0] {
	case 4:
		if hdr[1] != 1 {
			return "", errSocks
		}
		var rest [6]byte
		if _, err := io.ReadFull(c, rest[:]); err != nil {
			return "", err
		}
		port := binary.BigEndian.Uint16(rest[:2])
		if _, err := readCString(c); err != nil { // user id
			return "", err
		}
		host := net.IP(rest[2:6]).String()
		if rest[2] == 0 && rest[3] == 0 && rest[4] == 0 && rest[5] != 0 { // 4a
			h, err := readCString(c)
			if err != nil {
				return "", err
			}
			if !saneHost(h) {
				return "", errSocks
			}
			host = h
		}
		socksVersion.Store(c, 4)
		return net.JoinHostPort(host, strconv.Itoa(int(port))), nil
	case 5:
		methods := make([]byte, hdr[1])
		if _, err := io.ReadFull(c, methods); err != nil {
			return "", err
		}
		c.Write([]byte{5, 0})
		var req [4]byte
		if _, err := io.ReadFull(c, req[:]); err != nil {
			return "", err
		}
		if req[0] != 5 || req[1] != 1 {
			c.Write([]byte{5, 7, 0, 1, 0, 0, 0, 0, 0, 0})
			return "", errSocks
		}
		var host string
		switch req[3] {
		case 1:
			b := make([]byte, 4)
			if _, err := io.ReadFull(c, b); err != nil {
				return "", err
			}
			host = net.IP(b).String()
		case 4:
			b := make([]byte, 16)
			if _, err := io.ReadFull(c, b); err != nil {
				return "", err
			}
			host = net.IP(b).String()
		case 3:
			var n [1]byte
			if _, err := io.ReadFull(c, n[:]); err != nil {
				return "", err
			}
			b := make([]byte, n[0])
			if _, err := io.ReadFull(c, b); err != nil {
				return "", err
			}
			host = string(b)
			if !saneHost(host) {
				return "", errSocks
			}
		default:
			return "", errSocks
		}
		var p [2]byte
		if _, err := io.ReadFull(c, p[:]); err != nil {
			return "", err
		}
		socksVersion.Store(c, 5)
		return net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(p[:])))), nil
	}
	return "", errSocks
}

func readCString(r io.Reader) (string, error) {
	var b []byte
	var one [1]byte
	for len(b) < 256 {
		if _, err := io.ReadFull(r, one[:]); err != nil {
			return "", err
		}
		if one[0] == 0 {
			return string(b), nil
		}
		b = append(b, one[0])
	}
	return "", errSocks
}

// saneHost rejects names that could not be a host: empty, or holding
// brackets, slashes, blanks or NULs.
func saneHost(h string) bool {
	return h != "" && !strings.ContainsAny(h, "[]/ \t\x00")
}
