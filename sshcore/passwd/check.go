package passwd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
)

// DB is the account database: a passwd file and a shadow file. The zero
// paths mean the system's; tests point them at files of their own. Each
// lookup reads the files afresh, so changes by passwd, chpasswd or usermod
// apply to the next login.
type DB struct {
	PasswdFile string // default /etc/passwd
	ShadowFile string // default /etc/shadow; a missing file means no shadow entries
	GroupFile  string // default /etc/group
	// DummyHash is hashed, and the result thrown away, when the user is
	// unknown or has no usable hash, so that such a login costs the same
	// time as a real one. Empty: a hash with the most common scheme and cost
	// among the shadow file's hashes (Debian's default yescrypt if none);
	// so is a DummyHash this package cannot run.
	DummyHash string
	// Now is the clock for expiry dates; nil means time.Now.
	Now func() time.Time
}

// System is the database of the running system.
func System() *DB { return &DB{} }

func (db *DB) passwdFile() string { return cmpOr(db.PasswdFile, "/etc/passwd") }
func (db *DB) shadowFile() string { return cmpOr(db.ShadowFile, "/etc/shadow") }
func (db *DB) groupFile() string  { return cmpOr(db.GroupFile, "/etc/group") }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}

// Lookup finds a user and their shadow entry. It returns an error wrapping
// ErrNoSuchUser when passwd has no such name, and a "file:line: ..." error
// when the user's own line is malformed. An unreadable shadow file is not an
// error here but recorded in Account.ShadowErr. Malformed lines of other users are
// passed over, as the C library does, so that one bad line does not lock
// everybody out.
func (db *DB) Lookup(name string) (*Account, error) {
	a, _, err := db.lookup(name, false)
	return a, err
}

// lookup also returns the dummy hash for this database when wantDummy is
// set (Check needs it, and it costs a look at every line's hash).
func (db *DB) lookup(name string, wantDummy bool) (*Account, string, error) {
	var acct *Account
	var lineErr error
	// A name with ':' could only match by splitting somebody else's line.
	impossible := name == "" || strings.ContainsAny(name, ":\n\x00")
	pf := db.passwdFile()
	err := scanFile(pf, func(n int, line []byte) bool {
		if impossible || !isEntryOf(line, name) {
			return false
		}
		u, err := ParsePasswdLine(string(line))
		if err != nil {
			lineErr = fmt.Errorf("%s:%d: %w", pf, n, err)
		} else {
			acct = &Account{User: u}
		}
		return true
	})
	if err != nil {
		return nil, db.dummy(nil), err
	}
	if lineErr != nil {
		return nil, db.dummy(nil), lineErr
	}

	classes := map[string]int{}
	var order []string
	sf := db.shadowFile()
	err = scanFile(sf, func(n int, line []byte) bool {
		if wantDummy && (db.DummyHash == "" || costClass(db.DummyHash) == "") {
			_, rest, _ := bytes.Cut(line, []byte(":"))
			h, _, _ := bytes.Cut(rest, []byte(":"))
			if c := costClass(string(h)); c != "" {
				if classes[c] == 0 {
					order = append(order, c)
				}
				classes[c]++
			}
		}
		if acct == nil || acct.Shadow != nil || !isEntryOf(line, name) {
			return false
		}
		s, err := ParseShadowLine(string(line))
		if err != nil {
			lineErr = fmt.Errorf("%s:%d: %w", sf, n, err)
			return true
		}
		acct.Shadow = &s
		return false
	})
	best := ""
	for _, c := range order {
		if best == "" || classes[c] > classes[best] {
			best = c
		}
	}
	dummy := db.dummy(&best)
	if acct == nil {
		return nil, dummy, fmt.Errorf("%w: %q", ErrNoSuchUser, name)
	}
	if lineErr != nil {
		return nil, dummy, lineErr
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		acct.ShadowErr = err
	}
	return acct, dummy, nil
}

// isEntryOf says whether a passwd, shadow or group line is name's: its first
// field is name.
func isEntryOf(line []byte, name string) bool {
	return len(line) > len(name) && line[len(name)] == ':' && string(line[:len(name)]) == name
}

// Check verifies password for user against db, with the whole login policy
// for passwords: nil means the login may proceed. allowEmpty is sshd's
// PermitEmptyPasswords. The error wraps one of ErrNoSuchUser, ErrLocked,
// ErrNoPassword, ErrExpired, ErrEmptyPassword, ErrWrongPassword,
// ErrPasswordExpired, ErrUnsupportedScheme, ErrMalformedHash or
// ErrCostTooHigh (or is a file error), for the log; tell the client only
// that authentication failed. Every path hashes the password once with a
// real or dummy hash of the usual cost, so the time taken does not say
// which of these happened.
func Check(db *DB, user, password string, allowEmpty bool) error {
	acct, dummy, err := db.lookup(user, true)
	if err != nil {
		burn(dummy, password)
		return err
	}
	if acct.ShadowErr != nil {
		burn(dummy, password)
		return acct.ShadowErr
	}
	pw := []byte(password)
	h := acct.Hash()
	var hashErr error // the verdict of the hash alone
	switch {
	case h == "":
		// An empty field is a password-less account: only "" matches.
		burn(dummy, password)
		if password != "" {
			hashErr = ErrWrongPassword
		}
	case acct.Locked():
		// Hash the locked hash anyway when it is still a hash, so a lock
		// is no quicker to detect than a wrong password.
		if hs, err := parseHash(strings.TrimLeft(h, "!")); err == nil {
			runHash(hs, pw, h)
		} else {
			burn(dummy, password)
		}
	default:
		hs, err := parseHash(h)
		if err != nil {
			burn(dummy, password)
			if errors.Is(err, ErrMalformedHash) && !strings.HasPrefix(h, "$") {
				// '*', "x" without a shadow entry, "NP" and the like.
				err = ErrNoPassword
			}
			hashErr = err
		} else if !runHash(hs, pw, h) {
			hashErr = ErrWrongPassword
		}
	}

	now := db.now()
	switch {
	case acct.Locked():
		return fmt.Errorf("%w: %s", ErrLocked, user)
	case acct.Expired(now):
		return fmt.Errorf("%w: %s", ErrExpired, user)
	case password == "" && !allowEmpty:
		return fmt.Errorf("%w: %s", ErrEmptyPassword, user)
	case hashErr != nil:
		return fmt.Errorf("%w: %s", hashErr, user)
	case acct.PasswordExpired(now):
		return fmt.Errorf("%w: %s", ErrPasswordExpired, user)
	}
	return nil
}

// burn hashes password with the dummy hash and throws the result away.
func burn(dummy, password string) {
	if hs, err := parseHash(dummy); err == nil {
		runHash(hs, []byte(password), dummy)
	}
}

// defaultDummy is Debian's and Ubuntu's default: yescrypt, N=4096, r=32.
const defaultDummy = "$y$j9T$DummySaltForUnknownU$" + "0000000000000000000000000000000000000000000"

func (db *DB) dummy(class *string) string {
	if db.DummyHash != "" && costClass(db.DummyHash) != "" {
		return db.DummyHash
	}
	if class == nil || *class == "" {
		return defaultDummy
	}
	return dummyFor(*class)
}

// costClass is the scheme and cost part of a usable hash ("$y$j9T",
// "$6$rounds=10000", "$2b$12"), or "" for hashes this package would not
// verify (so a dummy never costs more than the limits allow).
func costClass(h string) string {
	if _, err := parseHash(h); err != nil {
		return ""
	}
	switch {
	case strings.HasPrefix(h, "$y$"):
		i := strings.IndexByte(h[3:], '$')
		return h[:3+i]
	case strings.HasPrefix(h, "$5$rounds="), strings.HasPrefix(h, "$6$rounds="):
		i := strings.IndexByte(h[10:], '$')
		return h[:10+i]
	case strings.HasPrefix(h, "$2"):
		return h[:6]
	}
	return h[:2]
}

// dummyFor builds a hash of the given class with a fixed salt and a made-up
// hash value: hashing against it costs what a real hash of that class costs,
// and its result is never used.
func dummyFor(class string) string {
	switch {
	case strings.HasPrefix(class, "$y$"):
		return class + "$DummySaltForUnknownU$" + strings.Repeat("0", 43)
	case strings.HasPrefix(class, "$2"):
		return class + "$" + strings.Repeat("D", 22) + strings.Repeat("0", 31)
	case strings.HasPrefix(class, "$1"):
		return "$1$DummySal$" + strings.Repeat("0", 22)
	}
	return class + "$DummySaltForUnkn$" + strings.Repeat("0", 43)
}
