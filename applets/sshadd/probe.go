package sshadd

import (
	"errors"
	"fmt"

	sshagent "sshbox/sshcore/agent"
	"sshbox/sshcore/keys"
)

// testKeys is -T: every file is probed, failures are reported and the
// status is 1 if any failed; success is silent, as in OpenSSH.
func (a *app) testKeys() int {
	if len(a.files) == 0 {
		fmt.Fprint(a.stderr, msgNoKeysToTest)
		return 255 // OpenSSH's fatal()
	}
	status := 0
	for _, f := range a.files {
		if !a.testKey(f) {
			status = 1
		}
	}
	return status
}

func (a *app) testKey(path string) bool {
	// As for -d: the file, FILE.pub, or the public half of a private key.
	pub, _, err := keys.LoadPublic(path)
	if err != nil {
		// OpenSSH's loader turns every failure into ENOENT, so that is
		// the reason its -T gives for a file that is there but unreadable
		// or no key.
		fmt.Fprintf(a.stderr, msgTestRead, path)
		return false
	}
	err = sshagent.Probe(a.ag, pub)
	var pe *sshagent.ProbeError
	switch {
	case err == nil:
		return true
	case errors.As(err, &pe) && pe.Signing:
		fmt.Fprintf(a.stderr, msgTestSign, path, agentErr(pe.Err))
	default:
		fmt.Fprintf(a.stderr, msgTestVerify, path, errBadSig)
	}
	return false
}
