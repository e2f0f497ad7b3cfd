package knownhosts

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/loglevel"
)

// Logf receives the lines OpenSSH's client logs while it works on the
// files, each at the level OpenSSH gives it; nil discards them.
type Logf func(level loglevel.Level, format string, args ...any)

func (f Logf) log(level loglevel.Level, format string, args ...any) {
	if f != nil {
		f(level, format, args...)
	}
}

// Which of the names a line lists, as OpenSSH's HKF_MATCH_HOST and
// HKF_MATCH_IP.
const (
	MatchHost = 1 << iota
	MatchIP
)

// lineMatch tells which of name and ip (when not "") the entry lists.
func lineMatch(e *Entry, name, ip string) int {
	m := 0
	if e.Matches(name) {
		m |= MatchHost
	}
	if ip != "" && e.Matches(ip) {
		m |= MatchIP
	}
	return m
}

// HostKeyUpdate is what UpdateHostKeys would change for one host in the
// user's known_hosts files, worked out as OpenSSH's client does
// (clientloop.c): which of the server's keys are new, which listed keys the
// server no longer has, and whether the files are simple enough to touch.
type HostKeyUpdate struct {
	Name string          // the host as known_hosts names it ("host" or "[host]:port")
	IP   string          // the address likewise, with CheckHostIP; else ""
	Keys []ssh.PublicKey // every key the server announced
	New  []ssh.PublicKey // announced keys no line lists for Name or IP
	Old  []*Entry        // lines for Name or IP whose key the server did not announce
	// Incomplete counts the announced keys not listed under both Name
	// and IP (under Name alone without CheckHostIP).
	Incomplete int
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
// user's known_hosts files (missing files count as empty), as OpenSSH's
// client_input_hostkeys does, logging what it logs. A line counts for the
// host when it lists Name or, with CheckHostIP (ip not ""), the address.
// Lines for the host with a marker, a wildcard or more than two names make
// the files too complex to rewrite; an announced key listed under another
// name, a "name,address" line whose other half is not this host's, or a
// key to remove that is also listed under another name would leave the
// files inconsistent; in those cases Skip is set.
func PlanUpdate(files []string, name, ip string, keys []ssh.PublicKey, logf Logf) (*HostKeyUpdate, error) {
	u := &HostKeyUpdate{Name: name, IP: ip, Keys: keys}
	match := make([]int, len(keys))
	complex, otherName := false, false
	shownIP := ip
	if shownIP == "" {
		shownIP = "(none)"
	}
	for _, f := range files {
		logf.log(loglevel.Debug1, "client_input_hostkeys: searching %s for %s / %s", f, name, shownIP)
		lines, err := readHostFile(f, "client_input_hostkeys", logf)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			e := l.Entry
			if e == nil {
				continue
			}
			m := lineMatch(e, name, ip)
			if m == 0 {
				if i := indexKey(keys, e.Key); i >= 0 {
					otherName = true
					logf.log(loglevel.Debug3, "hostkeys_find: found %s key under different name/addr at %s:%d", keys[i].Type(), f, l.Num)
				}
				continue
			}
			if e.Marker != MarkerNone {
				logf.log(loglevel.Debug3, "hostkeys_find: hostkeys file %s:%d has CA/revocation marker", f, l.Num)
				complex = true
				continue
			}
			if ip != "" && strings.Contains(e.Hosts, ",") {
				if m&MatchHost == 0 {
					otherName = true
					logf.log(loglevel.Debug3, "hostkeys_find: found address %s against different hostname at %s:%d", ip, f, l.Num)
					continue
				}
				if m&MatchIP == 0 {
					otherName = true
					logf.log(loglevel.Debug3, "hostkeys_find: found hostname %s against different address at %s:%d", name, f, l.Num)
				}
			}
			if hostSpecIsComplex(e.Hosts) {
				logf.log(loglevel.Debug3, "hostkeys_find: hostkeys file %s:%d complex host specification", f, l.Num)
				complex = true
				continue
			}
			if i := indexKey(keys, e.Key); i >= 0 {
				logf.log(loglevel.Debug3, "hostkeys_find: found %s key at %s:%d", keys[i].Type(), f, l.Num)
				match[i] |= m
				continue
			}
			logf.log(loglevel.Debug3, "hostkeys_find: deprecated %s key at %s:%d", e.Key.Type(), f, l.Num)
			u.Old = append(u.Old, e)
		}
	}
	want := MatchHost
	if ip != "" {
		want |= MatchIP
	}
	for i, k := range keys {
		if match[i] == 0 {
			u.New = append(u.New, k)
		}
		if match[i]&want != want {
			u.Incomplete++
		}
	}
	// OpenSSH counts in size_t: a key both new and incomplete makes
	// "retained" wrap around.
	retained := uint64(len(keys)) - uint64(len(u.New)) - uint64(u.Incomplete)
	logf.log(loglevel.Debug3, "client_input_hostkeys: %d server keys: %d new, %d retained, %d incomplete match. %d to remove",
		len(keys), len(u.New), retained, u.Incomplete, len(u.Old))
	switch {
	case u.Empty():
	case complex:
		u.Skip = SkipComplex
	case otherName:
		u.Skip = SkipOtherName
	case len(u.Old) > 0:
		elsewhere, err := oldKeyElsewhere(files, u, logf)
		if err != nil {
			return nil, err
		}
		if elsewhere {
			both := name
			if ip != "" {
				both += "," + ip
			}
			u.Skip = fmt.Sprintf(SkipOldElsewhere, both)
		}
	}
	return u, nil
}

// readHostFile reads one file as OpenSSH's hostkeys_foreach does for fn,
// logging it; a missing file has no lines.
func readHostFile(f, fn string, logf Logf) ([]Line, error) {
	lines, err := ReadFile(f)
	if errors.Is(err, os.ErrNotExist) {
		logf.log(loglevel.Debug1, "%s: hostkeys file %s does not exist", fn, f)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	logf.log(loglevel.Debug3, "hostkeys_foreach: reading file \"%s\"", f)
	return lines, nil
}

// SkipMessage is OpenSSH's line for Skip.
func (u *HostKeyUpdate) SkipMessage() string {
	sep := ","
	if u.Skip != SkipComplex && u.Skip != SkipOtherName {
		sep = ";" // SkipOldElsewhere: OpenSSH's punctuation differs
	}
	return u.Skip + sep + " skipping UserKnownHostsFile update"
}

// Empty reports whether there is nothing to add or remove. Keys listed
// under the name but not the address (or the other way round) are only
// completed along with another change, as OpenSSH does.
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

// oldKeyElsewhere reports whether a key about to be removed for the host
// is also listed on a line naming neither it nor its address: removing it
// here only would leave that host's lines behind (OpenSSH's
// check_old_keys_othernames).
func oldKeyElsewhere(files []string, u *HostKeyUpdate, logf Logf) (bool, error) {
	logf.log(loglevel.Debug2, "check_old_keys_othernames: checking for %d deprecated keys", len(u.Old))
	shownIP := u.IP
	if shownIP == "" {
		shownIP = "(none)"
	}
	seen := false
	for _, f := range files {
		logf.log(loglevel.Debug3, "check_old_keys_othernames: searching %s for %s / %s", f, u.Name, shownIP)
		lines, err := readHostFile(f, "check_old_keys_othernames", logf)
		if err != nil {
			return false, err
		}
		for _, l := range lines {
			e := l.Entry
			if e == nil || lineMatch(e, u.Name, u.IP) != 0 {
				continue
			}
			for _, o := range u.Old {
				if !bytes.Equal(o.Key.Marshal(), e.Key.Marshal()) {
					continue
				}
				as := e.Hosts
				if e.Hashed() {
					as = "[HASHED]"
				}
				logf.log(loglevel.Debug3, "hostkeys_check_old: found deprecated %s key at %s:%d as %s", o.Key.Type(), f, l.Num, as)
				seen = true
				break
			}
		}
	}
	return seen, nil
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

// hostLine renders a line for the literal name (lowercased, hashed when
// hash is set).
func hostLine(name string, key ssh.PublicKey, hash bool) string {
	name = strings.ToLower(name)
	if hash {
		name = HashName(name)
	}
	return name + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))
}

// EntryLines are the lines OpenSSH's client writes for a key of name and,
// with CheckHostIP, its address ip: "name,ip" on one line, or, hashed,
// one line each since a hash covers one name.
func EntryLines(name, ip string, key ssh.PublicKey, hash bool) []string {
	switch {
	case ip == "":
		return []string{hostLine(name, key, hash)}
	case hash:
		return []string{hostLine(name, key, true), hostLine(ip, key, true)}
	}
	return []string{strings.ToLower(name) + "," + ip + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))}
}

// ReplaceHostKeys rewrites one known_hosts file so that the host is listed
// with exactly keys, as OpenSSH's hostfile_replace_entries does: unmarked
// lines for name (or, with CheckHostIP, for the address ip) whose key is
// not in keys go, lines already holding one of keys stay as written
// (hashed or not), keys no line holds are appended for name and ip (hashed
// when hash is set), and a key listed under only one of name and ip gets
// a line for the other. Other hosts' lines, @cert-authority and @revoked
// lines, comments and lines that do not parse are kept byte for byte.
// With keys nil the file only loses the host's lines (what OpenSSH does
// to every user file but the first). The file is replaced atomically, in
// its record format, with the previous one kept as FILE.old, and only
// when something changed. Each change is logged in OpenSSH's words, keys
// shown by fingerprint.
func ReplaceHostKeys(file, name, ip string, keys []ssh.PublicKey, hash bool, fingerprint func(ssh.PublicKey) string, logf Logf) error {
	lines, err := ReadFile(file)
	if err != nil {
		return err
	}
	logf.log(loglevel.Debug3, "hostkeys_foreach: reading file \"%s\"", file)
	var texts []string
	modified := false
	match := make([]int, len(keys))
	for _, l := range lines {
		e := l.Entry
		if e == nil {
			if l.Err != nil {
				logf.log(loglevel.Verbose, "%s:%d: invalid known_hosts entry", file, l.Num)
			}
			texts = append(texts, l.Text)
			continue
		}
		m := lineMatch(e, name, ip)
		if m == 0 || e.Marker != MarkerNone {
			texts = append(texts, l.Text)
			continue
		}
		if i := indexKey(keys, e.Key); i >= 0 {
			match[i] |= m
			texts = append(texts, l.Text)
			logf.log(loglevel.Debug3, "host_delete: %s key already at %s:%d", KeyTypeName(e.Key), file, l.Num)
			continue
		}
		logf.log(loglevel.Verbose, "%s:%d: Removed %s key for host %s", file, l.Num, KeyTypeName(e.Key), name)
		modified = true
	}
	want := MatchHost
	both := name
	if ip != "" {
		want |= MatchIP
		both += "," + ip
	}
	for i, k := range keys {
		if k == nil || match[i]&want == want {
			continue
		}
		var what string
		switch {
		case match[i] == 0:
			what = "Adding new key"
			texts = append(texts, EntryLines(name, ip, k, hash)...)
		case match[i]&MatchHost == 0:
			what = "Fixing match (hostname)"
			texts = append(texts, hostLine(name, k, hash))
		default:
			what = "Fixing match (address)"
			texts = append(texts, hostLine(ip, k, hash))
		}
		logf.log(loglevel.Verbose, "%s for %s to %s: %s %s", what, both, file, k.Type(), fingerprint(k))
		modified = true
	}
	if !modified {
		return nil
	}
	return WriteLines(file, texts, true)
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
