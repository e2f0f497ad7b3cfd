package client

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"sshbox/sshcore/knownhosts"
)

// An ssh2 client (SSH Communications', OpenVMS's) keeps the host keys it
// knows as one RFC 4716 file per host and port, key_<port>_<host>.pub, in
// the user's hostkeys directory (UserConfigDirectory's, ~/.ssh2/hostkeys;
// not read with UserKnownHosts no) and the system's (/etc/ssh2/hostkeys).
// When the configuration was an ssh2 file, their keys count as known_hosts
// lines do, after the files; a new key is still written to
// UserKnownHostsFile.

// systemSSH2HostKeys is the ssh2 system-wide host key directory.
const systemSSH2HostKeys = "/etc/ssh2/hostkeys"

// ssh2HostKeyDirs are the directories read: none without an ssh2 file.
func (h *hostKeyCheck) ssh2HostKeyDirs() []string {
	o := h.c.Opts
	if o.SSH2UserDir == "" {
		return nil
	}
	var dirs []string
	if !o.SSH2NoUserHostKeys {
		if dir, ok := h.c.ssh2UserDir(); ok {
			dirs = append(dirs, filepath.Join(dir, "hostkeys"))
		}
	}
	return append(dirs, systemSSH2HostKeys)
}

// ssh2HostKeyEntries reads the ssh2 host key directories as known_hosts
// entries: the host (with [host]:port off port 22) as the host field, the
// key file as the file, line 1. (ReadSSH2Dir leaves out a name that
// decodes to a known_hosts pattern, which would stand for other hosts.)
func (h *hostKeyCheck) ssh2HostKeyEntries() []*knownhosts.Entry {
	log := h.c.Log
	var out []*knownhosts.Entry
	for _, dir := range h.ssh2HostKeyDirs() {
		log.Debug3("hostkeys_foreach: reading directory \"%s\"", dir)
		keys, bad, err := knownhosts.ReadSSH2Dir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				log.Debug1("%v", err)
			}
			continue
		}
		for _, err := range bad {
			log.Debug1("%v", err)
		}
		for _, k := range keys {
			host := k.Host
			if k.Port != 22 {
				host = "[" + host + "]:" + strconv.Itoa(k.Port)
			}
			out = append(out, &knownhosts.Entry{File: k.File, Line: 1, Key: k.Key, Hosts: host})
		}
	}
	return out
}

// isSSH2HostKeyFile: an entry read from an ssh2 host key directory, which
// is removed by removing its file.
func isSSH2HostKeyFile(file string) bool {
	return strings.HasPrefix(filepath.Base(file), "key_") && strings.HasSuffix(file, ".pub") &&
		filepath.Base(filepath.Dir(file)) == "hostkeys"
}
