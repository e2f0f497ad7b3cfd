package sshkeygen

import (
	"fmt"
	"os"

	"sshbox/internal/errtext"
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
		return o.fatalf("%s: %s", path, errtext.Reason(err))
	}
	// As OpenSSH's sshkey_load_public: path.pub serves for a path that
	// holds no public key, and every failure reads as a missing file.
	k, _, err := keys.LoadPublic(path)
	if err != nil {
		return o.fatalf(msgNoPublicKey, path, msgNoSuchFile)
	}
	lines := keys.SSHFP(o.sshfpHost, k, o.generic)
	if len(lines) == 0 {
		// A certificate, say; OpenSSH says so and carries on.
		o.errorf(msgNoSSHFP)
	}
	for _, line := range lines {
		fmt.Fprintln(o.stdout, line)
	}
	return 0
}
