// Package tun is tun@openssh.com forwarding's device side, shared by ssh
// -w and sshd's PermitTunnel: opening a Linux tun or tap device as OpenSSH
// does (misc.c tun_open, port-tun.c sys_tun_open), and moving packets
// between it and the channel in OpenSSH's channel format (Relay).
package tun

import (
	"errors"
	"strconv"
	"strings"
)

// Mode is the tunnel mode of a tun@openssh.com channel open (OpenSSH's
// PROTOCOL, "Tunnel forward"): layer 3 or layer 2.
type Mode uint32

const (
	PointToPoint Mode = 1 // SSH_TUNMODE_POINTOPOINT: a tun device, IP packets
	Ethernet     Mode = 2 // SSH_TUNMODE_ETHERNET: a tap device, Ethernet frames
)

// Unit numbers as OpenSSH's misc.h has them: Any lets the kernel pick the
// next free device; Max is the largest unit one can name.
const (
	Any uint32 = 0x7fffffff // SSH_TUNID_ANY
	Max uint32 = 0x7ffffffe // SSH_TUNID_MAX
)

// ErrBadDevice: a device that is neither "any" nor a unit number.
var ErrBadDevice = errors.New("bad tun device")

// ParseUnit reads one unit as OpenSSH's a2tun does: "any" (any case) or a
// decimal number from 0 to Max.
func ParseUnit(s string) (uint32, error) {
	if strings.EqualFold(s, "any") {
		return Any, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || uint32(n) > Max {
		return 0, ErrBadDevice
	}
	return uint32(n), nil
}

// ParseDevice reads "local[:remote]" (ssh -w, TunnelDevice); the remote
// unit is Any when absent.
func ParseDevice(s string) (local, remote uint32, err error) {
	l, r, two := strings.Cut(s, ":")
	remote = Any
	if two {
		if remote, err = ParseUnit(r); err != nil {
			return 0, 0, err
		}
	}
	local, err = ParseUnit(l)
	return local, remote, err
}

// UnitText prints a unit as ssh -G does: "any" or the number.
func UnitText(u uint32) string {
	if u == Any {
		return "any"
	}
	return strconv.FormatUint(uint64(u), 10)
}
