// Package dropbear holds the applets that answer to Dropbear's names
// (dropbear, dropbearkey, dbclient): Dropbear's command lines translated
// into the equivalent sshd, key and ssh invocations, so that an image
// built around Dropbear (its init scripts, its host key files) runs
// sshbox unchanged. No protocol code lives here.
package dropbear

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sshbox/internal/help"
	"strconv"
	"strings"

	"sshbox/applets/sshd"
	"sshbox/sshcore"
	"sshbox/sshcore/keys"
)

// serverSpec is Dropbear's server option string.
const serverSpec = "b:r:RFeEmwG:sgBtT:jkac:p:P:iW:K:I:zV"

// defaultHostKeys are Dropbear's host key files, in the order it offers
// them (DSS left out: sshbox has no DSA).
var defaultHostKeys = []string{
	"/etc/dropbear/dropbear_rsa_host_key",
	"/etc/dropbear/dropbear_ecdsa_host_key",
	"/etc/dropbear/dropbear_ed25519_host_key",
}

const defaultPidFile = "/var/run/dropbear.pid"

// rootAuthorizedKeys is where OpenWrt's Dropbear takes root's public keys
// from (its patch 100-pubkey_path), instead of ~/.ssh/authorized_keys.
const rootAuthorizedKeys = "/etc/dropbear/authorized_keys"

// dropbearHostKeyAlgorithms is what Dropbear offers, best first.
const dropbearHostKeyAlgorithms = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"

// Main runs the dropbear applet with args[0] the applet name.
func Main(args []string) int {
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, serverUsage)
		return 1
	}
	argv, code := serverArgs(args[1:])
	if argv == nil {
		return code
	}
	return sshd.Main(argv)
}

// serverArgs translates a dropbear command line into sshd's. Dropbear
// reads no configuration file, so neither does the translation: sshd gets
// -f /dev/null and one -o per option. A nil result means exit with code.
func serverArgs(args []string) ([]string, int) {
	opts, _, err := getopt(args, serverSpec, false)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dropbear: %v\n%s", err, serverUsage)
		return nil, 1
	}
	out := []string{"sshd", "-f", os.DevNull}
	set := func(kv string) { out = append(out, "-o", kv) }
	var hostKeys, bare, addressed []string
	create := false
	pidFile := defaultPidFile
	noLocal, noRemote, noRoot, noRootPassword := false, false, false, false
	idleSecs := uint64(0)
	recvWindow := uint32(0)
	passEnv := false
	// Dropbear marks interactive sessions AF21 and leaves the rest at the
	// default (0); -z marks nothing.
	ipqos := "af21 cs0"
	for _, o := range opts {
		switch o.name {
		case 'b':
			set("Banner=" + o.value)
		case 'r':
			hostKeys = append(hostKeys, o.value)
		case 'R':
			create = true
		case 'F':
			out = append(out, "-D")
		case 'E':
			out = append(out, "-e")
		case 'i':
			out = append(out, "-i")
		case 'm':
			set("PrintMotd=no")
		case 'w':
			noRoot = true
		case 'g':
			noRootPassword = true
		case 'G':
			set("AllowGroups=" + o.value)
		case 's':
			set("PasswordAuthentication=no")
			set("KbdInteractiveAuthentication=no")
		case 'B':
			set("PermitEmptyPasswords=yes")
		case 't':
			set("AuthenticationMethods=publickey,password")
		case 'T':
			n, err := strconv.Atoi(o.value)
			if err != nil || n < 1 {
				fmt.Fprintf(os.Stderr, msgBadNumber+"\n", "dropbear", "maximum authentication tries", o.value)
				return nil, 1
			}
			set("MaxAuthTries=" + o.value)
		case 'j':
			noLocal = true
		case 'k':
			noRemote = true
		case 'a':
			set("GatewayPorts=yes")
		case 'c':
			set("ForceCommand=" + o.value)
		case 'p':
			if strings.Contains(o.value, ":") {
				addressed = append(addressed, o.value)
			} else {
				bare = append(bare, o.value)
			}
		case 'P':
			pidFile = o.value
		case 'K':
			if !nonNegative(o.value, "keepalive") {
				return nil, 1
			}
			set("ClientAliveInterval=" + o.value)
		case 'I':
			n, ok := idleTimeout("dropbear", o.value)
			if !ok {
				return nil, 1
			}
			idleSecs = n
		case 'W':
			// Each channel's receive window (sshd's ChannelWindow);
			// a bad one is warned about and the default kept, as
			// Dropbear does.
			recvWindow = recvWindowArg("dropbear", o.value)
		case 'e':
			passEnv = true
		case 'z':
			ipqos = "none"
		case 'V':
			fmt.Fprintln(os.Stderr, sshcore.VersionLine())
			return nil, 0
		}
	}
	switch {
	case noRoot:
		set("PermitRootLogin=no")
	case noRootPassword:
		set("PermitRootLogin=prohibit-password")
	default:
		// Dropbear lets root in by any method unless -w or -g says
		// otherwise; OpenSSH's default (prohibit-password) would lock
		// out a router whose root logs in with its password.
		set("PermitRootLogin=yes")
	}
	switch {
	case noLocal && noRemote:
		set("AllowTcpForwarding=no")
	case noLocal:
		set("AllowTcpForwarding=remote")
	case noRemote:
		set("AllowTcpForwarding=local")
	}
	set("IPQoS=" + ipqos)
	// sshd leaves ECDSA host keys out of its offer unless told (design.md
	// §8); Dropbear offers them, and clients that learned a host's ECDSA
	// key must keep seeing it after the switch.
	set("HostKeyAlgorithms=" + dropbearHostKeyAlgorithms)
	// Dropbear's own limits on unauthenticated connections
	// (MAX_UNAUTH_CLIENTS 30, MAX_UNAUTH_PER_IP 5), and no penalties,
	// which Dropbear does not have.
	set("MaxStartups=30")
	set("PerSourceMaxStartups=5")
	set("PerSourcePenalties=no")
	out = append(out, listenArgs(bare, addressed)...)
	set("PidFile=" + pidFile)
	keys, ok := hostKeyArgs(hostKeys, create)
	if !ok {
		return nil, 1
	}
	// What no sshd_config keyword says goes in front of sshd's command
	// line, in the arguments only this applet writes.
	internal := []string{"sshd"}
	if idleSecs > 0 {
		// OpenSSH has no idle timeout.
		internal = append(internal, sshd.IdleTimeoutArg+strconv.FormatUint(idleSecs, 10))
	}
	// OpenWrt's Dropbear reads root's keys from /etc/dropbear; sshd does
	// too, once that file exists (docs/dropbear.md).
	internal = append(internal, sshd.RootKeysArg+rootAuthorizedKeys)
	// LANG and SSH_PUBKEYINFO, as Dropbear's sessions have them.
	internal = append(internal, sshd.DropbearEnvArg)
	if recvWindow > 0 {
		internal = append(internal, sshd.RecvWindowArg+strconv.FormatUint(uint64(recvWindow), 10))
	}
	if passEnv {
		// Sessions start from sshd's environment; OpenSSH's never do.
		internal = append(internal, sshd.PassEnvArg)
	}
	out = append(internal, out[1:]...)
	return append(out, keys...), 0
}

// idleTimeout reads -I's value as Dropbear does (m_str_to_uint): a
// number of seconds up to UINT_MAX, 0 for never.
func idleTimeout(prog, v string) (uint64, bool) {
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		fmt.Fprintf(os.Stderr, msgBadNumber+"\n", prog, "idle_timeout", v)
		return 0, false
	}
	return n, true
}

// recvWindowArg reads -W, a channel's receive window in bytes. One
// Dropbear would not take (not a number, 0, over 10 MB) is warned about
// and the default kept (0), as Dropbear does.
func recvWindowArg(prog, v string) uint32 {
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n == 0 || n > maxRecvWindow {
		fmt.Fprintf(os.Stderr, msgBadRecvWindow+"\n", prog, v)
		return 0
	}
	return uint32(n)
}

// maxRecvWindow is Dropbear's MAX_RECV_WINDOW.
const maxRecvWindow = 10 << 20

func nonNegative(v, what string) bool {
	if n, err := strconv.Atoi(v); err != nil || n < 0 {
		fmt.Fprintf(os.Stderr, msgBadNumber+"\n", "dropbear", what, v)
		return false
	}
	return true
}

// listenArgs maps -p: bare ports become sshd -p, address:port pairs
// ListenAddress lines. When both are given, the bare ports are spelled out
// as wildcard addresses, because sshd applies Port only to ListenAddress
// lines without a port.
func listenArgs(bare, addressed []string) []string {
	var out []string
	if len(addressed) == 0 {
		for _, p := range bare {
			out = append(out, "-p", p)
		}
		return out
	}
	for _, p := range bare {
		addressed = append(addressed, "0.0.0.0:"+p, "[::]:"+p)
	}
	for _, a := range addressed {
		if _, _, err := net.SplitHostPort(a); err != nil {
			// Dropbear's "address:port" for an IPv6 address without
			// brackets: the port is after the last colon.
			if i := strings.LastIndexByte(a, ':'); i > 0 {
				a = net.JoinHostPort(a[:i], a[i+1:])
			}
		}
		out = append(out, "-o", "ListenAddress="+a)
	}
	return out
}

// hostKeyArgs names the host keys as sshd -h flags: the -r files, or
// those of Dropbear's default files that exist. With -R, a missing key is
// created first, in Dropbear's format so that Dropbear itself could serve
// it again.
func hostKeyArgs(files []string, create bool) ([]string, bool) {
	if len(files) == 0 {
		for _, p := range defaultHostKeys {
			if _, err := os.Stat(p); err == nil {
				files = append(files, p)
			}
		}
		if len(files) == 0 && create {
			files = []string{defaultHostKeys[2]}
		}
		if len(files) == 0 {
			// sshd then says which files it could not load.
			files = defaultHostKeys
		}
	}
	var out []string
	for _, p := range files {
		if create {
			if _, err := os.Stat(p); os.IsNotExist(err) {
				if err := createHostKey(p); err != nil {
					fmt.Fprintf(os.Stderr, msgHostKeyFailed+"\n", p, err)
					return nil, false
				}
			}
		}
		out = append(out, "-h", p)
	}
	return out, true
}

// createHostKey makes the key a file name asks for (dropbear_rsa_host_key
// an RSA key, and so on; anything else ed25519).
func createHostKey(path string) error {
	typ := "ed25519"
	base := filepath.Base(path)
	switch {
	case strings.Contains(base, "ecdsa"):
		typ = "ecdsa"
	case strings.Contains(base, "rsa"):
		typ = "rsa"
	}
	k, err := keys.Generate(typ, 0)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return keys.SaveDropbear(path, k)
}
