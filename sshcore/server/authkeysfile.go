package server

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/expand"
	"sshbox/sshcore/asuser"
)

// maxAuthKeysFile bounds what sshd reads of one authorized_keys file: the
// file is user-controlled data read by the privileged process, so it gets
// no more attention than it needs.
const maxAuthKeysFile = 1 << 20

// expandAuthKeysPath expands %h, %u, %U and %% of an AuthorizedKeysFile
// entry; a relative result is taken from the home directory, as in OpenSSH.
func expandAuthKeysPath(pattern string, a *account) (string, error) {
	p, err := expand.Tokens(pattern, map[byte]string{'%': "%", 'h': a.Home, 'u': a.Name,
		'U': strconv.FormatUint(uint64(a.UID), 10)})
	if err != nil {
		return "", fmt.Errorf("AuthorizedKeysFile %w", err)
	}
	if strings.HasPrefix(p, "~/") {
		p = filepath.Join(a.Home, p[2:])
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(a.Home, p)
	}
	return filepath.Clean(p), nil
}

// secureOwner is OpenSSH's test for a file or directory sshd trusts: owned
// by root or by the user, and writable by nobody else.
func secureOwner(st os.FileInfo, uid uint32) error {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("cannot stat owner")
	}
	if sys.Uid != 0 && sys.Uid != uid {
		return fmt.Errorf("bad ownership or modes")
	}
	if st.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("bad ownership or modes")
	}
	return nil
}

// checkPathModes is StrictModes for the directories above an authorized
// keys file: each one up to the home directory (or up to / for a file
// outside it) must pass secureOwner.
func checkPathModes(path string, a *account) error {
	home := filepath.Clean(a.Home)
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if err := secureOwner(st, a.UID); err != nil {
			return fmt.Errorf("%s directory %s", err, dir)
		}
		if dir == home || dir == "/" {
			return nil
		}
	}
}

// readAuthorizedKeys opens one authorized_keys (or principals) file as
// OpenSSH does: with the user's credentials (sshcore/asuser), so that a
// link to a file or through a directory the user cannot read gives
// nothing; links resolved first, then the real file opened without
// following one so that it cannot be swapped under us; regular files only;
// StrictModes checks on the file and its directories. It reads at most
// maxAuthKeysFile bytes and returns its records in whatever record format
// they came. A file that does not exist gives no records and no error.
func readAuthorizedKeys(path string, a *account, strict bool) ([]string, error) {
	f, real, err := asuser.Open(a.cred(), path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", real)
	}
	if strict {
		if err := secureOwner(st, a.UID); err != nil {
			return nil, fmt.Errorf("%s file %s", err, real)
		}
		if err := checkPathModes(real, a); err != nil {
			return nil, err
		}
	}
	if st.Size() > maxAuthKeysFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", real, maxAuthKeysFile)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxAuthKeysFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxAuthKeysFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", real, maxAuthKeysFile)
	}
	// Whatever record format the file came in (a VAR file copied from
	// OpenVMS included), configfmt gives its lines.
	recs, _, err := configfmt.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", real, err)
	}
	return recs, nil
}

// lookupKeyFile returns the options of the line of one file that
// authorizes key, checking from= against ip and expiry-time against now.
// Lines that fail from= or have expired are logged and skipped, like
// OpenSSH does, since a later line may authorize the same key.
func (c *conn) lookupKeyFile(path string, a *account, strict bool, keyBytes []byte, now time.Time) (*keyOptions, error) {
	recs, err := readAuthorizedKeys(path, a, strict)
	if err != nil {
		return nil, err
	}
	return c.matchKeyRecords(path, recs, a, keyBytes, now), nil
}

// matchKeyRecords looks for key among authorized_keys lines read from
// source (a file, or an AuthorizedKeysCommand's output).
func (c *conn) matchKeyRecords(path string, recs []string, a *account, keyBytes []byte, now time.Time) *keyOptions {
	for i, rec := range recs {
		ak, err := parseAuthorizedKey(rec, now)
		if err != nil {
			c.srv.log().Verbosef(msgAuthKeysLine, path, i+1, err)
			continue
		}
		if ak == nil || ak.Options.CertAuthority || string(ak.Key.Marshal()) != string(keyBytes) {
			continue
		}
		if len(ak.Options.From) > 0 && !matchHostIP(ak.Options.From, c.remoteHost, c.remoteIP) {
			c.srv.log().Infof(msgKeyFromRefused, a.Name, c.remoteHost, c.remoteIP)
			continue
		}
		if !ak.Options.ExpiryTime.IsZero() && !now.Before(ak.Options.ExpiryTime) {
			c.srv.log().Infof(msgKeyExpired, path, i+1, ak.Options.ExpiryTime.Format("2006-01-02T15:04:05"))
			continue
		}
		if c.srv.DropbearEnv {
			ak.Options.Info = pubkeyInfo(rec, ak.Key)
		}
		ak.Options.atFile, ak.Options.atLine = path, i+1
		ak.Options.found = fmt.Sprintf(msgAcceptedKeyAt, keyTypeName(ak.Key), ssh.FingerprintSHA256(ak.Key), path, i+1)
		c.logKeyFound(&ak.Options)
		return &ak.Options
	}
	return nil
}
