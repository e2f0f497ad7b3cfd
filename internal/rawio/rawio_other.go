//go:build !linux

package rawio

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// Of: raw calls are Linux's alone (rawio.go); elsewhere the net and os
// packages' own calls are used.
func Of(any) syscall.RawConn { return nil }

func Writev(syscall.RawConn, net.Buffers) (int64, error) { return 0, errors.ErrUnsupported }

func Read(syscall.RawConn, []byte) (int, error) { return 0, errors.ErrUnsupported }

func Inherited(int, string) (*os.File, func()) { return nil, nil }
