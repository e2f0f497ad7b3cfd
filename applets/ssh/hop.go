package ssh

import "strings"

// isHopNeutral reports whether a command line override also applies to the
// jump hosts: identities, known hosts and prompting behaviour do; the
// destination's port, user, forwardings and commands do not.
func isHopNeutral(line string) bool {
	kw, _, _ := strings.Cut(strings.TrimSpace(line), " ")
	kw, _, _ = strings.Cut(kw, "=")
	switch strings.ToLower(kw) {
	case "identityfile", "identitiesonly", "certificatefile", "identityagent",
		"userknownhostsfile", "globalknownhostsfile", "stricthostkeychecking",
		"batchmode", "hashknownhosts", "loglevel", "connecttimeout",
		"addressfamily", "preferredauthentications", "pubkeyauthentication",
		"passwordauthentication", "kbdinteractiveauthentication",
		"numberofpasswordprompts", "ciphers", "macs", "kexalgorithms":
		return true
	}
	return false
}
