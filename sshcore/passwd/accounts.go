package passwd

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// User is one line of passwd(5).
type User struct {
	Name     string
	Password string // "x" when the hash is in the shadow file
	UID, GID int
	Gecos    string
	Home     string
	Shell    string
}

// Shadow is one line of shadow(5). The day fields count days since
// 1970-01-01 UTC; -1 means the field is empty.
type Shadow struct {
	Name       string
	Hash       string
	LastChange int64 // 0: the administrator forces a change at next login
	MinAge     int64
	MaxAge     int64
	Warn       int64
	Inactive   int64 // days after MaxAge during which the old password still works
	Expire     int64 // the account expires at the start of this day
}

// Account is a user with their shadow entry, if there is one.
type Account struct {
	User
	Shadow *Shadow // nil when the shadow file has no line for the user
	// ShadowErr is why the shadow file could not be read (an unprivileged
	// process, for example), or nil. Lookup still returns the account, so
	// a caller can use it for public-key logins; Check refuses passwords.
	ShadowErr error
}

// ParsePasswdLine parses one passwd(5) line (without its newline).
func ParsePasswdLine(line string) (User, error) {
	f := strings.Split(line, ":")
	if len(f) != 7 {
		return User{}, fmt.Errorf("passwd entry has %d fields, want 7", len(f))
	}
	if err := checkName(f[0]); err != nil {
		return User{}, err
	}
	uid, err := parseID(f[2])
	if err != nil {
		return User{}, fmt.Errorf("uid: %w", err)
	}
	gid, err := parseID(f[3])
	if err != nil {
		return User{}, fmt.Errorf("gid: %w", err)
	}
	return User{Name: f[0], Password: f[1], UID: uid, GID: gid, Gecos: f[4], Home: f[5], Shell: f[6]}, nil
}

// ParseShadowLine parses one shadow(5) line (without its newline).
func ParseShadowLine(line string) (Shadow, error) {
	f := strings.Split(line, ":")
	if len(f) != 9 {
		return Shadow{}, fmt.Errorf("shadow entry has %d fields, want 9", len(f))
	}
	if err := checkName(f[0]); err != nil {
		return Shadow{}, err
	}
	s := Shadow{Name: f[0], Hash: f[1]}
	names := [...]string{"last change", "minimum age", "maximum age", "warning period", "inactivity period", "expiry date"}
	for i, dst := range []*int64{&s.LastChange, &s.MinAge, &s.MaxAge, &s.Warn, &s.Inactive, &s.Expire} {
		v, err := parseDays(f[2+i])
		if err != nil {
			return Shadow{}, fmt.Errorf("%s: %w", names[i], err)
		}
		*dst = v
	}
	return s, nil
}

func checkName(name string) error {
	if name == "" {
		return errors.New("empty user name")
	}
	if strings.ContainsAny(name, " \t\x00") {
		return fmt.Errorf("user name %q has blanks", name)
	}
	return nil
}

func parseID(s string) (int, error) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number up to 4294967295", s)
	}
	return int(v), nil
}

func parseDays(s string) (int64, error) {
	if s == "" {
		return -1, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	// Some tools write -1 for "no value"; anything below that is nonsense.
	if err != nil || v < -1 || v > 1<<40 {
		return 0, fmt.Errorf("%q is not a number of days", s)
	}
	return v, nil
}

// scanFile calls fn for each entry line of path (blank lines and '#'
// comments skipped, as the C library does) until fn returns true. NIS
// compatibility lines ("+name", "-name") are skipped: this package reads
// local accounts only. The line is a slice of the file's buffer: sshd looks
// up an account at every login, and a string per line of every file was
// most of a login's garbage; callers copy only the line they keep.
func scanFile(path string, fn func(n int, line []byte) bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	scanLines(data, fn)
	return nil
}

// scanLines is scanFile on the file's contents.
func scanLines(data []byte, fn func(n int, line []byte) bool) {
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue
		}
		if fn(n, line) {
			return
		}
	}
}

// ReadPasswd parses a whole passwd file strictly: the first bad line is an
// error naming file:line.
func ReadPasswd(path string) ([]User, error) {
	var out []User
	var perr error
	err := scanFile(path, func(n int, line []byte) bool {
		u, err := ParsePasswdLine(string(line))
		if err != nil {
			perr = fmt.Errorf("%s:%d: %w", path, n, err)
			return true
		}
		out = append(out, u)
		return false
	})
	if err == nil {
		err = perr
	}
	return out, err
}

// ReadShadow parses a whole shadow file strictly, like ReadPasswd.
func ReadShadow(path string) ([]Shadow, error) {
	var out []Shadow
	var perr error
	err := scanFile(path, func(n int, line []byte) bool {
		s, err := ParseShadowLine(string(line))
		if err != nil {
			perr = fmt.Errorf("%s:%d: %w", path, n, err)
			return true
		}
		out = append(out, s)
		return false
	})
	if err == nil {
		err = perr
	}
	return out, err
}

// Hash is the account's password hash: the shadow entry's when there is one,
// else the passwd field (systems that keep hashes in /etc/passwd).
func (a *Account) Hash() string {
	if a.Shadow != nil {
		return a.Shadow.Hash
	}
	return a.Password
}

// Locked reports whether the administrator locked the account (usermod -L,
// passwd -l: a '!' before the hash; Solaris writes "*LK*"). A plain '*'
// only means "no password", which does not stop public-key logins.
func (a *Account) Locked() bool {
	h := a.Hash()
	return strings.HasPrefix(h, "!") || strings.HasPrefix(h, "*LK*")
}

func today(now time.Time) int64 {
	return now.Unix() / 86400
}

// Expired reports whether the account expiry date has been reached
// (chage -E; 0 means expired since 1970, as pam_unix and OpenSSH read it).
func (a *Account) Expired(now time.Time) bool {
	return a.Shadow != nil && a.Shadow.Expire >= 0 && today(now) >= a.Shadow.Expire
}

// PasswordExpired reports whether the password must be changed before use:
// the administrator forced it (last change 0, passwd -e) or it is older than
// its maximum age (and any inactivity period, during which a password login
// would only be allowed to change it).
func (a *Account) PasswordExpired(now time.Time) bool {
	s := a.Shadow
	if s == nil || s.LastChange < 0 {
		return false
	}
	if s.LastChange == 0 {
		return true
	}
	return s.MaxAge >= 0 && today(now) > s.LastChange+s.MaxAge
}

// Valid says whether the account may log in at all, whatever the method:
// ErrLocked or ErrExpired, or nil. The server applies it to public-key and
// certificate logins too; Check applies it to passwords.
func (a *Account) Valid(now time.Time) error {
	switch {
	case a.Locked():
		return fmt.Errorf("%w: %s", ErrLocked, a.Name)
	case a.Expired(now):
		return fmt.Errorf("%w: %s", ErrExpired, a.Name)
	}
	return nil
}
