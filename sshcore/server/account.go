package server

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"sshbox/sshcore/passwd"
)

// account is what sshd knows about a local user: the passwd entry and the
// supplementary groups children get.
type account struct {
	Name   string
	UID    uint32
	GID    uint32
	Home   string
	Shell  string
	Groups []uint32
	// entry is the passwd and shadow entry, for refusal's checks; nil for
	// an account made up by a test.
	entry *passwd.Account
}

// lookupAccount reads name's entries in db: passwd, shadow and group, once
// each. It used os/user, which without cgo reads /etc/passwd and
// /etc/group itself; with the shell field read separately and the shadow
// entry by refusal, a login read /etc/passwd three times. sshcore/passwd is
// now the one reader of the account database, and refusal checks the
// shadow entry read here.
func lookupAccount(db *passwd.DB, name string) (*account, error) {
	if name == "" || strings.ContainsAny(name, "/:\n\x00") {
		return nil, fmt.Errorf("invalid user name %q", name)
	}
	pa, err := db.Lookup(name)
	if err != nil {
		return nil, err
	}
	a := &account{Name: pa.Name, UID: uint32(pa.UID), GID: uint32(pa.GID), Home: pa.Home, Shell: pa.Shell, entry: pa}
	if a.Shell == "" {
		a.Shell = "/bin/sh" // as login(1) and OpenSSH do for an empty field
	}
	// An unreadable group file leaves the primary group alone, as
	// initgroups(3) does.
	a.Groups, _ = db.GroupIDs(a.Name, a.GID)
	return a, nil
}

// nologinFiles are OpenSSH's _PATH_NOLOGIN and the one pam_nologin reads
// first; tests point them elsewhere.
var nologinFiles = []string{"/etc/nologin", "/run/nologin"}

// refusal says why an existing account may not log in, in the words that
// complete "User U from A not allowed because ...", or "" when it may. It
// follows OpenSSH's allowed_users() without PAM: a password starting with
// "!" locks the account for every method, an expired account is refused, a
// shell that is missing or not executable is refused (and, as design.md §5
// demands beyond OpenSSH, so is a missing home directory: homeRefusal).
//
// While /etc/nologin (or systemd's /run/nologin) exists only root may log
// in, as OpenSSH's do_nologin and pam_nologin (in the sshd PAM stack that
// UsePAM yes names) have it.
//
// The shadow entry is the one lookupAccount read through sshcore/passwd;
// an entry it could not read (an unprivileged sshd, a system without
// shadow passwords) locks nothing.
func refusal(a *account, now time.Time) string {
	if a.UID != 0 {
		for _, f := range nologinFiles {
			if _, err := os.Stat(f); err == nil {
				return fmt.Sprintf(whyNologin, f)
			}
		}
	}
	if a.entry != nil {
		switch err := a.entry.Valid(now); {
		case errors.Is(err, passwd.ErrLocked):
			return whyLocked
		case errors.Is(err, passwd.ErrExpired):
			return whyExpired
		}
	}
	st, err := os.Stat(a.Shell)
	if err != nil {
		return fmt.Sprintf(whyNoShell, a.Shell)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return fmt.Sprintf(whyShellNoX, a.Shell)
	}
	return ""
}

// homeRefusal is design.md §5's check beyond OpenSSH: an account whose
// home directory is missing may not log in. It comes after OpenSSH's own
// checks and DenyUsers and the like, so that an account they refuse is
// refused in their words.
func homeRefusal(a *account) string {
	if st, err := os.Stat(a.Home); err != nil || !st.IsDir() {
		return fmt.Sprintf(whyNoHome, a.Home)
	}
	return ""
}
