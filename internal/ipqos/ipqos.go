// Package ipqos marks a connection's packets with an IPQoS value: the
// IPv4 TOS byte, or the IPv6 traffic class, as OpenSSH's
// set_sock_tos does. ssh and sshd both use it.
package ipqos

import (
	"net"
	"syscall"
)

// Set marks conn's packets with tos (0-255). A connection that is not a
// socket of ours (a proxy command's pipe, inetd's descriptor pair) is
// left alone.
func Set(conn net.Conn, tos int) error {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	local, ok := conn.LocalAddr().(*net.TCPAddr)
	if !ok {
		return nil
	}
	var serr error
	err = raw.Control(func(fd uintptr) {
		if local.IP.To4() == nil {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_TCLASS, tos)
		} else {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_TOS, tos)
		}
	})
	if err != nil {
		return err
	}
	return serr
}
