//go:build !linux

package coalesce

import (
	"net"
	"syscall"
)

// rawSocket: raw writes are Linux's alone (rawwrite_linux.go).
func rawSocket(net.Conn) syscall.RawConn { return nil }

func (c *Conn) rawWrite(bufs net.Buffers) (int64, error) { return bufs.WriteTo(c.Conn) }
