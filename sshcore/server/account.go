package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
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
}

// lookupAccount reads the passwd entry of name (os/user without cgo reads
// /etc/passwd and /etc/group itself).
func lookupAccount(name string) (*account, error) {
	if name == "" || strings.ContainsAny(name, "/:\n\x00") {
		return nil, fmt.Errorf("invalid user name %q", name)
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user %s: bad uid/gid %s/%s", name, u.Uid, u.Gid)
	}
	a := &account{Name: u.Username, UID: uint32(uid), GID: uint32(gid), Home: u.HomeDir, Shell: loginShell(u.Username)}
	if a.Shell == "" {
		a.Shell = "/bin/sh" // as login(1) and OpenSSH do for an empty field
	}
	if ids, err := u.GroupIds(); err == nil {
		for _, s := range ids {
			if g, err := strconv.ParseUint(s, 10, 32); err == nil {
				a.Groups = append(a.Groups, uint32(g))
			}
		}
	}
	return a, nil
}

// nologinFiles are OpenSSH's _PATH_NOLOGIN and the one pam_nologin reads
// first; tests point them elsewhere.
var nologinFiles = []string{"/etc/nologin", "/run/nologin"}

// loginShell returns the shell field of name's passwd entry; os/user does
// not expose it.
func loginShell(name string) string {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	// Only the user's own line is split: every login reads the whole
	// file, and a string and a split per line was garbage for each one.
	prefix := []byte(name + ":")
	for sc.Scan() {
		if !bytes.HasPrefix(sc.Bytes(), prefix) {
			continue
		}
		if fields := strings.Split(sc.Text(), ":"); len(fields) == 7 {
			return fields[6]
		}
	}
	return ""
}

// refusal says why an existing account may not log in, in the words that
// complete "User U from A not allowed because ...", or "" when it may. It
// follows OpenSSH's allowed_users() without PAM: a password starting with
// "!" locks the account for every method, an expired account is refused, a
// shell that is missing or not executable is refused; and, as design.md §5
// demands beyond OpenSSH, so is a missing home directory.
//
// While /etc/nologin (or systemd's /run/nologin) exists only root may log
// in, as OpenSSH's do_nologin and pam_nologin (in the sshd PAM stack that
// UsePAM yes names) have it.
//
// The shadow entry comes from sshcore/passwd, the one reader of the account
// database; an entry it cannot read (an unprivileged sshd, a system without
// shadow passwords) locks nothing.
func refusal(a *account, db *passwd.DB, now time.Time) string {
	if a.UID != 0 {
		for _, f := range nologinFiles {
			if _, err := os.Stat(f); err == nil {
				return fmt.Sprintf(whyNologin, f)
			}
		}
	}
	if pa, err := db.Lookup(a.Name); err == nil {
		switch err := pa.Valid(now); {
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
	if st, err := os.Stat(a.Home); err != nil || !st.IsDir() {
		return fmt.Sprintf(whyNoHome, a.Home)
	}
	return ""
}
