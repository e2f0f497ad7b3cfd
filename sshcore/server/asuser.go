package server

import "sshbox/sshcore/asuser"

// Everything sshd does for a user other than starting their processes
// (child.go) goes through sshcore/asuser, which does it with the user's
// credentials: forwarded connections, forward listeners, the agent socket,
// the user's authorized_keys and principals files. See docs/sshd.md,
// "Privilege model".

// cred is the identity asuser acts as for this account.
func (a *account) cred() *asuser.Cred {
	return &asuser.Cred{UID: a.UID, GID: a.GID, Groups: a.Groups}
}
