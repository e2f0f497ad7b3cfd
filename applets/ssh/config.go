package ssh

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sshbox/configfmt"
	"sshbox/sshcore/client"
	"sshbox/sshcore/loglevel"
)

// configFiles are the files read for every host: -F alone when given,
// otherwise ~/.ssh/config then /etc/ssh/ssh_config, as OpenSSH. Missing
// default files are skipped; a missing -F file is an error.
func configFiles(f string, fSet bool) ([]string, error) {
	if fSet {
		if f == "none" {
			return nil, nil
		}
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf(msgNoConfigFile, f)
		}
		return []string{f}, nil
	}
	var files []string
	for _, p := range []string{filepath.Join(client.HomeDir(), ".ssh", "config"), configfmt.SystemClientConfig} {
		if _, err := os.Stat(p); err == nil {
			files = append(files, p)
		}
	}
	return files, nil
}

// loadConfig computes the effective options for the destination through
// configfmt (any record format, either dialect); command is the remote
// command or subsystem name of the command line, for Match command and
// Match sessiontype.
func loadConfig(log *client.Logger, f string, fSet bool, overrides []string, host, user, command string) (*configfmt.ClientOptions, error) {
	files, err := configFiles(f, fSet)
	if err != nil {
		return nil, err
	}
	for _, p := range files {
		log.Debug1("Reading configuration data %s", p)
	}
	o, err := configfmt.LoadClientCommand(files, overrides, host, user, command)
	if err != nil {
		return nil, err
	}
	for _, w := range o.Warnings {
		log.Debug1("%s", w)
	}
	return o, nil
}

// hopOptions gives each ProxyJump hop its own options from the same files,
// with the command line's identity and known hosts settings. The hops are
// chained by the client itself, so a hop's own ProxyJump is not followed.
// A hop is what OpenSSH's "ssh -W host:port hop" is: a session of type
// none with no command, which its Match sessiontype and command see.
func hopOptions(f string, fSet bool, overrides []string) func(client.Hop) (*configfmt.ClientOptions, error) {
	return func(h client.Hop) (*configfmt.ClientOptions, error) {
		var keep []string
		if h.Port != 0 {
			keep = append(keep, fmt.Sprintf("Port %d", h.Port))
		}
		for _, line := range overrides {
			if isHopNeutral(line) {
				keep = append(keep, line)
			}
		}
		keep = append(keep, "ProxyJump none", "SessionType none")
		o, err := loadConfig(client.NewLogger(nil, loglevel.Quiet), f, fSet, keep, h.Host, h.User, "")
		if err != nil {
			return nil, fmt.Errorf(msgHopConfig, h.Host, err)
		}
		o.LocalForward, o.RemoteForward, o.DynamicForward, o.RemoteCommand = nil, nil, nil, ""
		return o, nil
	}
}

// quoteValue quotes a flag's value for a configuration line when it holds
// blanks or quotes.
func quoteValue(v string) string {
	if !strings.ContainsAny(v, " \t\"") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`
}

// forwardLine turns -L/-R's "[bind:]port:host:hostport" into the
// configuration form "[bind:]port host:hostport".
func forwardLine(spec string, remote bool) (string, error) {
	var parts []string
	start, depth := 0, 0
	for i := 0; i < len(spec); i++ {
		switch spec[i] {
		case '[':
			depth++
		case ']':
			depth--
		case ':':
			if depth == 0 {
				parts = append(parts, spec[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, spec[start:])
	n := len(parts)
	if n >= 2 && n <= 3 && isSocketPath(parts[n-1]) {
		// The target is a Unix socket: "listen:/path".
		return strings.Join(parts[:n-1], ":") + " " + parts[n-1], nil
	}
	if remote && n <= 2 {
		// -R [bind:]port or -R /path: remote dynamic forwarding, a
		// listening end only ("port:/path" was taken above).
		return spec, nil
	}
	if n < 3 || n > 4 {
		return "", fmt.Errorf(msgBadForward, spec)
	}
	return strings.Join(parts[:n-2], ":") + " " + parts[n-2] + ":" + parts[n-1], nil
}

// isSocketPath: as OpenSSH, a forwarding field with a slash names a Unix
// socket.
func isSocketPath(s string) bool { return strings.Contains(s, "/") && !strings.HasPrefix(s, "[") }
