package server

import (
	"fmt"
	"net"
	"sshbox/internal/errtext"
	"strconv"
	"strings"

	"sshbox/configfmt"
)

// ListenAddrs works out the addresses to listen on from ListenAddress and
// Port as OpenSSH does: a ListenAddress without a port takes every Port;
// no ListenAddress means every address of the AddressFamily.
func ListenAddrs(o *configfmt.ServerOptions) ([]string, error) {
	ports := o.Port
	if len(ports) == 0 {
		ports = []int{22}
	}
	var out []string
	add := func(host string, port int) {
		a := net.JoinHostPort(host, strconv.Itoa(port))
		for _, x := range out {
			if x == a {
				return
			}
		}
		out = append(out, a)
	}
	if len(o.ListenAddress) == 0 {
		for _, p := range ports {
			switch strings.ToLower(o.AddressFamily) {
			case "inet":
				add("0.0.0.0", p)
			case "inet6":
				add("::", p)
			default:
				add("0.0.0.0", p)
				add("::", p)
			}
		}
		return out, nil
	}
	for _, la := range o.ListenAddress {
		// "host rdomain" is OpenSSH's; routing domains do not exist here.
		la = strings.Fields(la)[0]
		if host, port, err := net.SplitHostPort(la); err == nil {
			p, err := strconv.Atoi(port)
			if err != nil || p <= 0 || p > 65535 {
				return nil, fmt.Errorf("ListenAddress %s: bad port %q", la, port)
			}
			add(host, p)
			continue
		}
		host := strings.TrimSuffix(strings.TrimPrefix(la, "["), "]")
		for _, p := range ports {
			add(host, p)
		}
	}
	return out, nil
}

// CheckListenAddrs looks up each ListenAddress that is a name, as
// OpenSSH's sshd does when it reads the line, so that sshd -t fails on one
// that does not resolve (or is no address at all: 999.1.1.1) rather than
// sshd failing to listen when it starts.
func CheckListenAddrs(o *configfmt.ServerOptions) error {
	addrs, err := ListenAddrs(o)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		host, _, _ := net.SplitHostPort(a)
		if net.ParseIP(host) != nil {
			continue
		}
		if _, err := net.LookupHost(host); err != nil {
			return fmt.Errorf("ListenAddress %s: bad addr or host (%v)", host, err)
		}
	}
	return nil
}

// Listen opens every address, logging each as OpenSSH does; addresses
// that fail are logged and skipped, and only none at all is an error.
func Listen(addrs []string, log *Logger) ([]net.Listener, error) {
	var ls []net.Listener
	for _, a := range addrs {
		host, port, _ := net.SplitHostPort(a)
		network := "tcp4"
		if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
			network = "tcp6" // so that :: does not also take the IPv4 port
		} else if ip == nil {
			network = "tcp"
		}
		l, err := net.Listen(network, a)
		p, _ := strconv.Atoi(port)
		if err != nil {
			log.Errorf(msgBindFailed, p, host, errtext.Reason(err))
			continue
		}
		log.Infof(msgListening, host, p)
		ls = append(ls, l)
	}
	if len(ls) == 0 {
		return nil, fmt.Errorf("%s", msgCannotBind)
	}
	return ls, nil
}
