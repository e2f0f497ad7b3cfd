package sshkeygen

import (
	"fmt"
	"os"

	"sshbox/sshcore/keys"
)

// defaultHostKeys are the files -r reads without -f, in OpenSSH's order.
var defaultHostKeys = []string{
	"/etc/ssh/ssh_host_rsa_key.pub",
	"/etc/ssh/ssh_host_ecdsa_key.pub",
	"/etc/ssh/ssh_host_ed25519_key.pub",
}

// printSSHFP is -r HOST: SSHFP records for the key in -f, or for each
// of the host's keys; -g prints them in the generic format.
func (o *opts) printSSHFP() int {
	if o.hasFile {
		return o.sshfpFile(o.file, true)
	}
	status := 0
	for _, p := range defaultHostKeys {
		if _, err := os.Stat(p); err == nil && o.sshfpFile(p, false) != 0 {
			status = 255
		}
	}
	return status
}

func (o *opts) sshfpFile(path string, named bool) int {
	if _, err := os.Stat(path); err != nil && named {
		fmt.Fprintf(o.stderr, "%s: No such file or directory\n", path)
		return 255
	}
	k, _, err := keys.LoadPublicFile(path)
	if err != nil {
		fmt.Fprintf(o.stderr, msgNoPublicKey, path)
		return 255
	}
	for _, line := range keys.SSHFP(o.sshfpHost, k, o.generic) {
		fmt.Fprintln(o.stdout, line)
	}
	return 0
}
