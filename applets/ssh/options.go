package ssh

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sshbox/configfmt"
	"sshbox/sshcore/client"
)

// defaultOptions are OpenSSH's client defaults for the keywords the client
// acts on; the configuration files and overrides are applied on top.
func defaultOptions() *configfmt.ClientOptions {
	home := client.HomeDir()
	local := ""
	if u, err := user.Current(); err == nil {
		local = u.Username
	}
	return &configfmt.ClientOptions{
		Port:                         22,
		User:                         local,
		AddressFamily:                "any",
		PubkeyAuthentication:         true,
		PasswordAuthentication:       true,
		KbdInteractiveAuthentication: true,
		NumberOfPasswordPrompts:      3,
		StrictHostKeyChecking:        "ask",
		UserKnownHostsFiles:          []string{filepath.Join(home, ".ssh", "known_hosts"), filepath.Join(home, ".ssh", "known_hosts2")},
		GlobalKnownHostsFiles:        []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"},
		ConnectionAttempts:           1,
		ServerAliveCountMax:          3,
		TCPKeepAlive:                 true,
		RequestTTY:                   "auto",
		EscapeChar:                   "~",
		LogLevel:                     "INFO",
	}
}

// optionSetter applies one keyword's value; set records which keywords
// were already obtained, since the first value wins as in OpenSSH.
type optionSetter struct {
	o   *configfmt.ClientOptions
	set map[string]bool
}

func expandTilde(p string) string {
	if p == "~" {
		return client.HomeDir()
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(client.HomeDir(), p[2:])
	}
	return p
}

func parseYesNo(kw, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes", "true":
		return true, nil
	case "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("%s: unsupported option %q (yes or no)", kw, v)
}

func parseSeconds(kw, v string) (time.Duration, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: invalid time value %q", kw, v)
	}
	return time.Duration(n) * time.Second, nil
}

func parseInt(kw, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: invalid number %q", kw, v)
	}
	return n, nil
}

// apply sets one "Keyword value" (or "Keyword=value") line.
func (s *optionSetter) apply(line string) error {
	line = strings.TrimSpace(line)
	kw, val, ok := strings.Cut(line, "=")
	if i := strings.IndexAny(line, " \t"); i >= 0 && (!ok || i < len(kw)) {
		kw, val = line[:i], strings.TrimLeft(line[i:], " \t=")
	}
	kw, val = strings.TrimSpace(kw), strings.Trim(strings.TrimSpace(val), "\"")
	if kw == "" || val == "" {
		return fmt.Errorf("%q: missing argument", line)
	}
	key := strings.ToLower(kw)
	multi := key == "identityfile" || key == "certificatefile" || key == "localforward" ||
		key == "remoteforward" || key == "dynamicforward" || key == "sendenv" || key == "setenv"
	if s.set[key] && !multi {
		return nil
	}
	s.set[key] = true
	o := s.o
	var err error
	switch key {
	case "hostname":
		o.HostName = val
	case "port":
		var n int
		if n, err = parseInt(kw, val); err == nil && (n < 1 || n > 65535) {
			err = fmt.Errorf("Bad port '%s'", val)
		}
		o.Port = n
	case "user":
		o.User = val
	case "identityfile":
		o.IdentityFiles = append(o.IdentityFiles, expandTilde(val))
	case "identitiesonly":
		o.IdentitiesOnly, err = parseYesNo(kw, val)
	case "certificatefile":
		o.CertificateFiles = append(o.CertificateFiles, expandTilde(val))
	case "identityagent":
		o.IdentityAgent = expandTilde(val)
	case "preferredauthentications":
		o.PreferredAuthentications = strings.Split(val, ",")
	case "pubkeyauthentication":
		o.PubkeyAuthentication, err = parseYesNo(kw, val)
	case "passwordauthentication":
		o.PasswordAuthentication, err = parseYesNo(kw, val)
	case "kbdinteractiveauthentication", "challengeresponseauthentication":
		o.KbdInteractiveAuthentication, err = parseYesNo(kw, val)
	case "numberofpasswordprompts":
		o.NumberOfPasswordPrompts, err = parseInt(kw, val)
	case "batchmode":
		o.BatchMode, err = parseYesNo(kw, val)
	case "stricthostkeychecking":
		switch strings.ToLower(val) {
		case "yes", "no", "ask", "accept-new":
			o.StrictHostKeyChecking = strings.ToLower(val)
		case "off":
			o.StrictHostKeyChecking = "no"
		default:
			err = fmt.Errorf("%s: unsupported option %q", kw, val)
		}
	case "userknownhostsfile":
		o.UserKnownHostsFiles = nil
		for _, f := range strings.Fields(val) {
			o.UserKnownHostsFiles = append(o.UserKnownHostsFiles, expandTilde(f))
		}
	case "globalknownhostsfile":
		o.GlobalKnownHostsFiles = nil
		for _, f := range strings.Fields(val) {
			o.GlobalKnownHostsFiles = append(o.GlobalKnownHostsFiles, expandTilde(f))
		}
	case "hashknownhosts":
		o.HashKnownHosts, err = parseYesNo(kw, val)
	case "hostkeyalias":
		o.HostKeyAlias = val
	case "checkhostip":
		o.CheckHostIP, err = parseYesNo(kw, val)
	case "connecttimeout":
		o.ConnectTimeout, err = parseSeconds(kw, val)
	case "connectionattempts":
		o.ConnectionAttempts, err = parseInt(kw, val)
	case "addressfamily":
		switch val {
		case "any", "inet", "inet6":
			o.AddressFamily = val
		default:
			err = fmt.Errorf("%s: unsupported option %q", kw, val)
		}
	case "bindaddress":
		o.BindAddress = val
	case "proxycommand":
		o.ProxyCommand = val
	case "proxyjump":
		o.ProxyJump = val
	case "serveraliveinterval":
		o.ServerAliveInterval, err = parseSeconds(kw, val)
	case "serveralivecountmax":
		o.ServerAliveCountMax, err = parseInt(kw, val)
	case "tcpkeepalive":
		o.TCPKeepAlive, err = parseYesNo(kw, val)
	case "requesttty":
		switch strings.ToLower(val) {
		case "auto", "no", "yes", "force":
			o.RequestTTY = strings.ToLower(val)
		default:
			err = fmt.Errorf("%s: unsupported option %q", kw, val)
		}
	case "remotecommand":
		o.RemoteCommand = val
	case "sendenv":
		o.SendEnv = append(o.SendEnv, strings.Fields(val)...)
	case "setenv":
		o.SetEnv = append(o.SetEnv, strings.Fields(val)...)
	case "escapechar":
		if _, err = client.ParseEscapeChar(val); err == nil {
			o.EscapeChar = val
		}
	case "loglevel":
		if _, err = client.ParseLevel(val); err == nil {
			o.LogLevel = strings.ToUpper(val)
		}
	case "compression":
		o.Compression, err = parseYesNo(kw, val)
	case "ciphers":
		o.Ciphers = val
	case "macs":
		o.MACs = val
	case "kexalgorithms":
		o.KexAlgorithms = val
	case "hostkeyalgorithms":
		o.HostKeyAlgorithms = val
	case "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes":
		o.PubkeyAcceptedAlgorithms = val
	case "localforward":
		o.LocalForward = append(o.LocalForward, val)
	case "remoteforward":
		o.RemoteForward = append(o.RemoteForward, val)
	case "dynamicforward":
		o.DynamicForward = append(o.DynamicForward, val)
	case "forwardagent":
		o.ForwardAgent, err = parseYesNo(kw, val)
	case "exitonforwardfailure":
		o.ExitOnForwardFailure, err = parseYesNo(kw, val)
	case "clearallforwardings":
		o.ClearAllForwardings, err = parseYesNo(kw, val)
	case "gatewayports":
		o.GatewayPorts, err = parseYesNo(kw, val)
	default:
		return fmt.Errorf("Bad configuration option: %s", strings.ToLower(kw))
	}
	return err
}

// loadOptions computes the effective options from the overrides (the
// command line's flags and -o, first obtained value wins) for the
// destination host.
func loadOptions(overrides []string, host, user string) (*configfmt.ClientOptions, error) {
	s := &optionSetter{o: defaultOptions(), set: map[string]bool{}}
	if user != "" {
		s.apply("User " + user)
	}
	for i, line := range overrides {
		if err := s.apply(line); err != nil {
			return nil, fmt.Errorf("command-line line %d: %v", i, err)
		}
	}
	o := s.o
	o.Host = host
	if o.HostName == "" {
		o.HostName = host
	}
	o.HostName = strings.ReplaceAll(o.HostName, "%h", host)
	if o.IdentityAgent == "SSH_AUTH_SOCK" {
		o.IdentityAgent = os.Getenv("SSH_AUTH_SOCK")
	}
	return o, nil
}
