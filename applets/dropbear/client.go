package dropbear

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sshbox/applets/ssh"
	"sshbox/configfmt"
	"sshbox/internal/help"
	"sshbox/sshcore"
	"sshbox/sshcore/algo"
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
		case 'p', 'l', 's', 'L', 'R':
			out = append(out, "-"+string(o.name), o.value)
		case 'o':
			if o.value == "help" {
				fmt.Fprintf(os.Stderr, "dbclient: Available options:\n\t%s\n\n", strings.Join(configfmt.ClientOptionNames(), "\n\t"))
				return nil, x, 0
			}
			out = append(out, "-o", o.value)
		case 'c', 'm':
			list, ok := clientAlgos(o.name, o.value)
			if !ok {
				return nil, x, 1
			}
			out = append(out, "-"+string(o.name), list)
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
			// Each channel's receive window (ssh's ChannelWindow).
			x.ChannelWindow = recvWindowArg("dbclient", o.value)
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

// clientAlgos is dbclient's -c and -m, as Dropbear reads them: "help"
// lists the ciphers or MACs ssh has and ends dbclient (status 1); a name
// ssh lacks is reported and left out, and a list with none left ends it.
func clientAlgos(opt byte, v string) (string, bool) {
	kind, what, plural := algo.Cipher, "cipher", "ciphers"
	if opt == 'm' {
		kind, what, plural = algo.MAC, "MAC", "MACs"
	}
	have := algo.Supported(kind)
	if v == "help" {
		fmt.Fprintf(os.Stderr, "dbclient: Available %s: %s\n\ndbclient: Exited: .\n", plural, strings.Join(have, ","))
		return "", false
	}
	var keep []string
	for _, name := range strings.Split(v, ",") {
		if slices.Contains(have, name) {
			keep = append(keep, name)
			continue
		}
		fmt.Fprintf(os.Stderr, "dbclient: This Dropbear program does not support '%s' %s algorithm\n\n", name, what)
	}
	if len(keep) == 0 {
		fmt.Fprintf(os.Stderr, "dbclient: Exited: No valid %s specified for '-%c'\n", plural, opt)
		return "", false
	}
	return strings.Join(keep, ","), true
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
