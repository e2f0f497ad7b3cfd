package ssh

import (
	"fmt"
	"os"
	"path/filepath"

	"sshbox/configfmt"
	"sshbox/sshcore/client"
)

// configFiles are the files read for every host: -F alone when given,
// otherwise ~/.ssh/config then /etc/ssh/ssh_config, as OpenSSH.
func configFiles(f string, fSet bool) []string {
	if fSet {
		if f == "none" {
			return nil
		}
		return []string{f}
	}
	return []string{filepath.Join(client.HomeDir(), ".ssh", "config"), "/etc/ssh/ssh_config"}
}

// loadConfig computes the effective options for the destination.
func loadConfig(log *client.Logger, f string, fSet bool, overrides []string, host, user string) (*configfmt.ClientOptions, error) {
	var files []string
	for _, p := range configFiles(f, fSet) {
		if _, err := os.Stat(p); err != nil {
			if fSet {
				return nil, fmt.Errorf("Can't open user config file %s: No such file or directory", p)
			}
			continue
		}
		if p != os.DevNull {
			files = append(files, p)
		}
	}
	for _, p := range files {
		log.Debug1("Reading configuration data %s", p)
	}
	if len(files) > 0 {
		return nil, fmt.Errorf("%s: configuration files are not read by this build yet; use -F /dev/null and -o", files[0])
	}
	return loadOptions(overrides, host, user)
}

// hopOptions gives each ProxyJump hop its own options from the same files
// and the command line's identity and known hosts settings.
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
		log := client.NewLogger(nil, client.LevelQuiet)
		return loadConfig(log, f, fSet, keep, h.Host, h.User)
	}
}
