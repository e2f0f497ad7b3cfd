package dropbear

import (
	"fmt"
	"os"
	"path/filepath"
	"sshbox/internal/help"
	"strings"
	"time"

	"sshbox/applets/ssh"
	"sshbox/sshcore"
)

// clientSpec is dbclient's option string.
const clientSpec = "p:l:tTNfqys:o:i:AL:gR:W:K:I:zB:J:c:m:b:vV"

// ClientMain runs the dbclient applet: dbclient's command line as an ssh
// invocation.
func ClientMain(args []string) int {
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, clientUsage)
		return 1
	}
	argv, x, code := clientArgs(args[1:])
	if argv == nil {
		return code
	}
	return ssh.MainWith(argv, x)
}

// clientArgs translates a dbclient command line into ssh's, and into
// what ssh takes beyond its command line (-I). A nil result means exit
// with code.
func clientArgs(args []string) ([]string, ssh.Extensions, int) {
	var x ssh.Extensions
	opts, operands, err := getopt(args, clientSpec, true)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbclient: %v\n%s", err, clientUsage)
		return nil, x, 1
	}
	// dbclient compresses (zlib@openssh.com) wherever the server will,
	// as Dropbear's client does by default.
	out := []string{"ssh", "-C"}
	yes, identity := 0, false
	for _, o := range opts {
		switch o.name {
		case 'p', 'l', 's', 'o', 'L', 'R', 'c', 'm':
			out = append(out, "-"+string(o.name), o.value)
		case 'i':
			identity = true
			out = append(out, "-i", o.value)
		case 't', 'T', 'N', 'f', 'q', 'A', 'g', 'v':
			out = append(out, "-"+string(o.name))
		case 'y':
			yes++
		case 'B':
			out = append(out, "-W", o.value)
		case 'J':
			// dbclient's -J is a program to talk through, OpenSSH's
			// ProxyCommand (not OpenSSH's -J jump host).
			out = append(out, "-o", "ProxyCommand="+o.value)
		case 'K':
			out = append(out, "-o", "ServerAliveInterval="+o.value)
		case 'I':
			// No ssh option sets an idle timeout (OpenSSH has none).
			n, ok := idleTimeout("dbclient", o.value)
			if !ok {
				return nil, x, 1
			}
			x.IdleTimeout = time.Duration(n) * time.Second
		case 'b':
			addr := o.value
			if i := strings.LastIndexByte(addr, ':'); i >= 0 && !strings.HasSuffix(addr, "]") && strings.Count(addr, ":") == 1 {
				if addr[i+1:] != "" {
					fmt.Fprintf(os.Stderr, msgBindPort+"\n", o.value)
					return nil, x, 1
				}
				addr = addr[:i]
			}
			if addr != "" {
				out = append(out, "-b", addr)
			}
		case 'z':
			// Dropbear's -z: no IP QoS marking, which ssh does now.
			out = append(out, "-o", "IPQoS=none")
		case 'W':
			// Window size: nothing to restrict, and x/crypto's channel
			// window is fixed (see the dropbear applet's -W).
			checkRecvWindow("dbclient", o.value)
		case 'V':
			fmt.Fprintln(os.Stderr, sshcore.VersionLine())
			return nil, x, 0
		}
	}
	switch {
	case yes == 1:
		out = append(out, "-o", "StrictHostKeyChecking=accept-new")
	case yes > 1:
		out = append(out, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null")
	}
	if !identity {
		// dbclient's own default key, beside ssh's defaults.
		if home, err := os.UserHomeDir(); err == nil {
			if p := filepath.Join(home, ".ssh", "id_dropbear"); exists(p) {
				out = append(out, "-i", p)
			}
		}
	}
	if len(operands) == 0 {
		fmt.Fprintf(os.Stderr, "dbclient: No remote host specified\n%s", clientUsage)
		return nil, x, 1
	}
	hops := strings.Split(operands[0], ",")
	var jumps []string
	for _, h := range hops[:len(hops)-1] {
		jumps = append(jumps, hostPort(h))
	}
	if len(jumps) > 0 {
		out = append(out, "-J", strings.Join(jumps, ","))
	}
	last := hops[len(hops)-1]
	if host, port, ok := strings.Cut(last, "/"); ok {
		out = append(out, "-p", port)
		last = host
	}
	out = append(out, "--", last)
	return append(out, operands[1:]...), x, 0
}

// hostPort turns dbclient's user@host/port into ssh -J's user@host:port.
func hostPort(h string) string {
	host, port, ok := strings.Cut(h, "/")
	if !ok {
		return h
	}
	user, name, hasUser := strings.Cut(host, "@")
	if !hasUser {
		user, name = "", host
	}
	if strings.Contains(name, ":") {
		name = "[" + name + "]"
	}
	if hasUser {
		return user + "@" + name + ":" + port
	}
	return name + ":" + port
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
