package knownhosts

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
)

// HostKeyUpdate is what UpdateHostKeys would change for one host in the
// user's known_hosts files, worked out as OpenSSH's client does
// (clientloop.c): which of the server's keys are new, which listed keys the
// server no longer has, and whether the files are simple enough to touch.
type HostKeyUpdate struct {
	Name string          // the host as known_hosts names it ("host" or "[host]:port")
	Keys []ssh.PublicKey // every key the server announced
	New  []ssh.PublicKey // announced keys no line lists for Name
	Old  []*Entry        // lines for Name whose key the server did not announce
	// Skip says why the files must be left alone; "" when they may be
	// updated.
	Skip string
}

// The reasons an update is skipped, in OpenSSH's words.
const (
	SkipComplex      = "CA/revocation marker, manual host list or wildcard host pattern found"
	SkipOtherName    = "host key found matching a different name/address"
	SkipOldElsewhere = "key(s) for %s exist under other names"
)

// PlanUpdate compares the keys a server announced with the lines of the
// user's known_hosts files (missing files count as empty). Lines for Name
// with a marker, a wildcard or more than two names make the files too
// complex to rewrite; an announced key listed under another name, or a key
// to remove that is also listed under another name, would leave the files
// inconsistent; in those cases Skip is set.
func PlanUpdate(files []string, name string, keys []ssh.PublicKey) (*HostKeyUpdate, error) {
	u := &HostKeyUpdate{Name: name, Keys: keys}
	matched := make([]bool, len(keys))
	var all []Line
	for _, f := range files {
		lines, err := ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		all = append(all, lines...)
	}
	complex, otherName := false, false
	for _, l := range all {
		e := l.Entry
		if e == nil {
			continue
		}
		if !e.Matches(name) {
			if indexKey(keys, e.Key) >= 0 {
				otherName = true
			}
			continue
		}
		if e.Marker != MarkerNone || hostSpecIsComplex(e.Hosts) {
			complex = true
			continue
		}
		if i := indexKey(keys, e.Key); i >= 0 {
			matched[i] = true
			continue
		}
		u.Old = append(u.Old, e)
	}
	for i, k := range keys {
		if !matched[i] {
			u.New = append(u.New, k)
		}
	}
	switch {
	case len(u.New) == 0 && len(u.Old) == 0:
	case complex:
		u.Skip = SkipComplex
	case otherName:
		u.Skip = SkipOtherName
	case len(u.Old) > 0 && oldKeyElsewhere(all, u.Old, name):
		u.Skip = fmt.Sprintf(SkipOldElsewhere, name)
	}
	return u, nil
}

// Empty reports whether there is nothing to add or remove.
func (u *HostKeyUpdate) Empty() bool { return len(u.New) == 0 && len(u.Old) == 0 }

// hostSpecIsComplex is OpenSSH's test: a wildcard, or more than a name and
// an address, is a list someone wrote by hand.
func hostSpecIsComplex(hosts string) bool {
	if strings.ContainsAny(hosts, "*?") {
		return true
	}
	_, rest, ok := strings.Cut(hosts, ",")
	return ok && strings.Contains(rest, ",")
}

// oldKeyElsewhere reports whether a key about to be removed for name is
// also listed for another host: removing it here only would leave that
// host's lines behind.
func oldKeyElsewhere(all []Line, old []*Entry, name string) bool {
	for _, l := range all {
		if l.Entry == nil || l.Entry.Matches(name) {
			continue
		}
		for _, o := range old {
			if bytes.Equal(o.Key.Marshal(), l.Entry.Key.Marshal()) {
				return true
			}
		}
	}
	return false
}

func indexKey(keys []ssh.PublicKey, k ssh.PublicKey) int {
	blob := k.Marshal()
	for i, c := range keys {
		if c != nil && bytes.Equal(c.Marshal(), blob) {
			return i
		}
	}
	return -1
}

// ReplaceHostKeys rewrites one known_hosts file so that name is listed
// with exactly keys: unmarked lines for name whose key is not in keys go,
// lines already holding one of keys stay as written (hashed or not), and
// the keys no line holds are appended (hashed when hash is set). Other
// hosts' lines, @cert-authority and @revoked lines, comments and lines
// that do not parse are kept byte for byte. With keys nil the file only
// loses name's stale lines (what OpenSSH does to every user file but the
// first). The file is replaced atomically, in its record format, with the
// previous one kept as FILE.old, and only when something changed. The
// returned lines describe each change in OpenSSH's words.
func ReplaceHostKeys(file, name string, keys []ssh.PublicKey, hash bool) ([]string, error) {
	lines, err := ReadFile(file)
	if err != nil {
		return nil, err
	}
	var texts, log []string
	have := make([]bool, len(keys))
	for _, l := range lines {
		e := l.Entry
		if e == nil || e.Marker != MarkerNone || !e.Matches(name) {
			texts = append(texts, l.Text)
			continue
		}
		if i := indexKey(keys, e.Key); i >= 0 {
			have[i] = true
			texts = append(texts, l.Text)
			continue
		}
		log = append(log, fmt.Sprintf("%s:%d: Removed %s key for host %s", file, l.Num, KeyTypeName(e.Key), name))
	}
	host, port := SplitHostPort(name)
	for i, k := range keys {
		if k == nil || have[i] {
			continue
		}
		texts = append(texts, FormatLine(host, port, k, hash))
		log = append(log, fmt.Sprintf("Adding new key for %s to %s: %s %s", name, file, k.Type(), ssh.FingerprintSHA256(k)))
	}
	if len(log) == 0 {
		return nil, nil
	}
	if err := WriteLines(file, texts, true); err != nil {
		return nil, err
	}
	return log, nil
}

// KeyTypeName is the key type as OpenSSH's sshkey_type() names it in its
// messages (ED25519, RSA, ECDSA, ED25519-SK, ECDSA-SK; a certificate's is
// its key's with -CERT).
func KeyTypeName(k ssh.PublicKey) string {
	if c, ok := k.(*ssh.Certificate); ok {
		return KeyTypeName(c.Key) + "-CERT"
	}
	switch k.Type() {
	case ssh.KeyAlgoED25519:
		return "ED25519"
	case ssh.KeyAlgoRSA:
		return "RSA"
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		return "ECDSA"
	case ssh.KeyAlgoSKED25519:
		return "ED25519-SK"
	case ssh.KeyAlgoSKECDSA256:
		return "ECDSA-SK"
	}
	return strings.ToUpper(k.Type())
}
