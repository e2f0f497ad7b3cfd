package client

import "testing"

// TestKnowsNoMoreSessions: OpenSSH's servers since 3.2 (compat.c's
// SSH_NEW_OPENSSH) and sshbox's get the request; other servers do not.
func TestKnowsNoMoreSessions(t *testing.T) {
	for v, want := range map[string]bool{
		"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10": true,
		"SSH-2.0-OpenSSH_3.9p1":                   true,
		"SSH-1.99-OpenSSH_3.2.2p1":                true,
		"SSH-2.0-OpenSSH_3.1p1":                   false,
		"SSH-2.0-OpenSSH_2.9p2":                   false,
		"SSH-2.0-sshbox_0.1.0":                    true,
		"SSH-2.0-dropbear_2022.83":                false,
		"SSH-2.0-paramiko_3.0.0":                  false,
		"SSH-2.0-Go":                              false,
	} {
		if got := knowsNoMoreSessions(v); got != want {
			t.Errorf("%s: %v, want %v", v, got, want)
		}
	}
}
