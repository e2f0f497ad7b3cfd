//go:build !linux

package tun

import (
	"errors"
	"os"
)

// Open: tun and tap devices are Linux's here; elsewhere there are none.
func Open(unit uint32, mode Mode) (*os.File, string, error) {
	return nil, "", errors.New("tunnel devices are supported on Linux only")
}

// Pollable: see Open.
func Pollable(f *os.File) (*os.File, error) { return f, nil }
