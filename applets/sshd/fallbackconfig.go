package sshd

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"sshbox/configfmt"
)

// Interim reader used only while configfmt.LoadServer is a placeholder on
// this branch; it goes away when the configfmt work is merged.

func fallbackDefaults() *configfmt.ServerOptions {
	return &configfmt.ServerOptions{
		Port: nil, LoginGraceTime: 120 * time.Second, MaxAuthTries: 6, MaxSessions: 10,
		PermitRootLogin: "prohibit-password", StrictModes: true, PubkeyAuthentication: true,
		AuthorizedKeysFile: []string{".ssh/authorized_keys", ".ssh/authorized_keys2"},
		PermitTTY:          true, TCPKeepAlive: true, AllowTcpForwarding: "yes", LogLevel: "INFO",
		SyslogFacility: "AUTH", PidFile: "/run/sshd.pid", ClientAliveCountMax: 3,
		Subsystems: map[string]string{},
	}
}

type fallbackConfig struct{ o *configfmt.ServerOptions }

func (f *fallbackConfig) For(configfmt.MatchConn) (*configfmt.ServerOptions, error) {
	c := *f.o
	return &c, nil
}

func fallbackLoad(path string, overrides []string) (*fallbackConfig, error) {
	o := fallbackDefaults()
	var lines []string
	lines = append(lines, overrides...)
	if data, err := os.ReadFile(path); err == nil {
		lines = append(lines, strings.Split(string(data), "\n")...)
	} else {
		return nil, err
	}
	seen := map[string]bool{}
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		l = strings.Replace(l, "=", " ", 1)
		f := strings.Fields(l)
		kw := strings.ToLower(f[0])
		v := strings.Join(f[1:], " ")
		first := !seen[kw]
		seen[kw] = true
		yes := strings.EqualFold(v, "yes")
		switch kw {
		case "port":
			p, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: bad port", path, i+1)
			}
			o.Port = append(o.Port, p)
		case "listenaddress":
			o.ListenAddress = append(o.ListenAddress, v)
		case "hostkey":
			o.HostKeys = append(o.HostKeys, v)
		case "acceptenv":
			o.AcceptEnv = append(o.AcceptEnv, f[1:]...)
		case "setenv":
			o.SetEnv = append(o.SetEnv, f[1:]...)
		case "subsystem":
			if len(f) > 2 {
				o.Subsystems[f[1]] = strings.Join(f[2:], " ")
			}
		}
		if !first {
			continue
		}
		switch kw {
		case "pidfile":
			o.PidFile = v
		case "loglevel":
			o.LogLevel = v
		case "authorizedkeysfile":
			o.AuthorizedKeysFile = f[1:]
		case "strictmodes":
			o.StrictModes = yes
		case "pubkeyauthentication":
			o.PubkeyAuthentication = yes
		case "permituserenvironment":
			o.PermitUserEnvironment = yes
		case "forcecommand":
			o.ForceCommand = v
		case "allowtcpforwarding":
			o.AllowTcpForwarding = v
		case "permittty":
			o.PermitTTY = yes
		case "permitrootlogin":
			o.PermitRootLogin = v
		case "addressfamily":
			o.AddressFamily = v
		case "ciphers":
			o.Ciphers = v
		case "macs":
			o.MACs = v
		case "kexalgorithms":
			o.KexAlgorithms = v
		case "hostkeyalgorithms":
			o.HostKeyAlgorithms = v
		}
	}
	return &fallbackConfig{o}, nil
}
