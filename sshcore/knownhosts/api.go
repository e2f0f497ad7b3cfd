// Package knownhosts reads, matches and writes known_hosts files in
// OpenSSH's format (hashed |1| names, [host]:port, patterns and negation,
// @revoked, @cert-authority), through configfmt's record reader, and converts
// the ssh2 host key directory (key_<port>_<host>.pub in RFC 4716).
package knownhosts

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/atomicfile"
)

// Status is the outcome of looking a host key up.
type Status int

const (
	Unknown Status = iota // no entry for this host (and key type)
	Known                 // an entry matches host and key
	Changed               // the host is listed with a different key of the same type
	Revoked               // the key is marked @revoked
)

// Markers that may start a line.
const (
	MarkerNone          = ""
	MarkerCertAuthority = "@cert-authority"
	MarkerRevoked       = "@revoked"
)

// Entry locates one line of a known_hosts file.
type Entry struct {
	File string
	Line int
	Key  ssh.PublicKey

	Marker  string // "", "@cert-authority" or "@revoked"
	Hosts   string // the host field as written: patterns or a |1| hash
	Comment string
}

// Hashed reports whether the entry's host field is a |1|salt|hash name.
func (e *Entry) Hashed() bool { return strings.HasPrefix(e.Hosts, hashMagic) }

// Result is what Check found. For Changed, Entry is the old key's line.
type Result struct {
	Status Status
	Entry  *Entry
}

// DB is the set of known_hosts files consulted for one connection.
type DB struct {
	// Warnings lists lines that could not be parsed (file:line: reason);
	// they are skipped as OpenSSH skips them.
	Warnings []string
	// Entries holds every parsed line of every file, in file order.
	Entries []*Entry
}

// Open reads the given files; missing ones count as empty.
func Open(files ...string) (*DB, error) {
	db := &DB{}
	for _, f := range files {
		lines, err := readLines(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for i, l := range lines {
			e, err := ParseLine(l)
			if err != nil {
				db.Warnings = append(db.Warnings, fmt.Sprintf("%s:%d: %v", f, i+1, err))
				continue
			}
			if e == nil {
				continue
			}
			e.File, e.Line = f, i+1
			db.Entries = append(db.Entries, e)
		}
	}
	return db, nil
}

// Check looks up host (a name or an address) on port (22 matches plain
// entries; others match [host]:port) with the key the server presented.
func (db *DB) Check(host string, port int, key ssh.PublicKey) Result {
	r := db.CheckExact(host, port, key)
	if r.Status != Unknown {
		return r
	}
	name, plain := HostPattern(host, port), HostPattern(host, 22)
	if plain != name {
		// As OpenSSH ("found matching key w/out port"): the same key listed
		// for the host without a port is trusted on any port; a different
		// one there says nothing about this port.
		blob := key.Marshal()
		for _, e := range db.Entries {
			if e.Marker == MarkerNone && e.Matches(plain) && bytes.Equal(e.Key.Marshal(), blob) {
				return Result{Status: Known, Entry: e}
			}
		}
	}
	return r
}

// CheckExact is Check without the port-less fallback: only entries for
// exactly this host and port count (what adding an entry needs to know).
func (db *DB) CheckExact(host string, port int, key ssh.PublicKey) Result {
	name := HostPattern(host, port)
	blob := key.Marshal()
	var changed *Entry
	for _, e := range db.Entries {
		if e.Marker == MarkerRevoked && bytes.Equal(e.Key.Marshal(), blob) && e.Matches(name) {
			return Result{Status: Revoked, Entry: e}
		}
	}
	for _, e := range db.Entries {
		if e.Marker != MarkerNone || !e.Matches(name) {
			continue
		}
		if bytes.Equal(e.Key.Marshal(), blob) {
			return Result{Status: Known, Entry: e}
		}
		if changed == nil && e.Key.Type() == key.Type() {
			changed = e
		}
	}
	if changed != nil {
		return Result{Status: Changed, Entry: changed}
	}
	return Result{Status: Unknown}
}

// IsHostAuthority reports whether auth is a @cert-authority key for host.
func (db *DB) IsHostAuthority(auth ssh.PublicKey, host string, port int) bool {
	name := HostPattern(host, port)
	blob := auth.Marshal()
	for _, e := range db.Entries {
		if e.Marker == MarkerRevoked && bytes.Equal(e.Key.Marshal(), blob) && e.Matches(name) {
			return false
		}
	}
	for _, e := range db.Entries {
		if e.Marker == MarkerCertAuthority && bytes.Equal(e.Key.Marshal(), blob) && e.Matches(name) {
			return true
		}
	}
	return false
}

// IsRevoked reports whether key is listed @revoked for host (or for every
// host through a matching pattern).
func (db *DB) IsRevoked(key ssh.PublicKey, host string, port int) bool {
	name := HostPattern(host, port)
	blob := key.Marshal()
	for _, e := range db.Entries {
		if e.Marker == MarkerRevoked && bytes.Equal(e.Key.Marshal(), blob) && e.Matches(name) {
			return true
		}
	}
	return false
}

// Lookup returns every entry that applies to host and port (markers
// included), in file order.
func (db *DB) Lookup(host string, port int) []*Entry {
	name := HostPattern(host, port)
	var out []*Entry
	for _, e := range db.Entries {
		if e.Matches(name) {
			out = append(out, e)
		}
	}
	return out
}

// HostPattern returns the known_hosts name for host and port: "host" for 22,
// "[host]:port" otherwise. Names are lowercased as OpenSSH does.
func HostPattern(host string, port int) string {
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if port == 22 || port == 0 {
		return host
	}
	return "[" + host + "]:" + strconv.Itoa(port)
}

// SplitHostPort undoes HostPattern: "[h]:p" gives h and p, anything else the
// name itself and port 22.
func SplitHostPort(s string) (string, int) {
	if strings.HasPrefix(s, "[") {
		if i := strings.LastIndex(s, "]:"); i > 0 {
			if p, err := strconv.Atoi(s[i+2:]); err == nil && p > 0 && p < 65536 {
				return s[1:i], p
			}
		}
		if strings.HasSuffix(s, "]") {
			return s[1 : len(s)-1], 22
		}
	}
	return s, 22
}

// FormatLine renders one known_hosts line for host:port and key, hashing the
// name when hash is set.
func FormatLine(host string, port int, key ssh.PublicKey, hash bool) string {
	name := HostPattern(host, port)
	if hash {
		name = HashName(name)
	}
	return name + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))
}

// Append adds a line for host:port with key to file, hashing the name when
// hash is set; it creates the file 0600 (and its directory 0700) and writes
// atomically.
func Append(file, host string, port int, key ssh.PublicKey, hash bool) error {
	if net.ParseIP(host) == nil && strings.ContainsAny(host, " \t,") {
		return fmt.Errorf("%s: invalid host name %q", file, host)
	}
	return AppendLines(file, []string{FormatLine(host, port, key, hash)})
}

// AppendLines adds lines to file as Append does: the file is made 0600
// (its directory 0700) when missing, written atomically, and a file in
// record format gets records.
func AppendLines(file string, lines []string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	// A file in record format (copied from OpenVMS) gets a record, not a
	// stray LF line.
	if old, err := os.ReadFile(file); err == nil {
		if recs, f, err := configfmt.Decode(old); err == nil && f != configfmt.StreamLF {
			return atomicfile.WriteFile(file, configfmt.Encode(append(recs, lines...), f), 0o600)
		}
	}
	return atomicfile.Append(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}
