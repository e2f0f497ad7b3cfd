package knownhosts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/atomicfile"
	"sshbox/sshcore/keys"
)

// The ssh2 host key directory (OpenVMS and other ssh2 installations) holds
// one RFC 4716 public key per host: key_<port>_<host>.pub, the host
// lowercased, every character outside [a-z0-9.-] written as '_' and three
// octal digits.

// SSH2FileName returns the file name for host and port.
func SSH2FileName(host string, port int) string {
	var b strings.Builder
	for _, c := range []byte(strings.ToLower(host)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%03o", c)
		}
	}
	return "key_" + strconv.Itoa(port) + "_" + b.String() + ".pub"
}

// showName is a file name as an error shows it: quoted when it holds
// bytes that would break the one-line message or the terminal.
func showName(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] >= 0x7f {
			return strconv.Quote(name)
		}
	}
	return name
}

// ParseSSH2FileName undoes SSH2FileName.
func ParseSSH2FileName(name string) (host string, port int, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("%s: %w", showName(name), err)
		}
	}()
	rest, ok := strings.CutPrefix(name, "key_")
	if !ok || !strings.HasSuffix(rest, ".pub") {
		return "", 0, errors.New("not a key_<port>_<host>.pub name")
	}
	rest = strings.TrimSuffix(rest, ".pub")
	p, enc, ok := strings.Cut(rest, "_")
	port, err = strconv.Atoi(p)
	if !ok || err != nil || port < 1 || port > 65535 || enc == "" {
		return "", 0, errors.New("bad port or host in name")
	}
	var b strings.Builder
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if c != '_' {
			b.WriteByte(c)
			continue
		}
		if i+4 > len(enc) {
			return "", 0, fmt.Errorf("truncated escape at byte %d", i+4)
		}
		v, err := strconv.ParseUint(enc[i+1:i+4], 8, 8)
		if err != nil {
			return "", 0, fmt.Errorf("bad escape %q at byte %d", enc[i:i+4], i+4)
		}
		b.WriteByte(byte(v))
		i += 3
	}
	return b.String(), port, nil
}

// ssh2PatternChars are what a host name from an ssh2 file name may not
// hold: known_hosts would read them as a pattern (* ? ! and a list's
// comma), a hash, a marker or another field.
const ssh2PatternChars = "*?!,|@# \t\r\n"

// SSH2Key is one host key of an ssh2 directory.
type SSH2Key struct {
	File string
	Host string
	Port int
	Key  ssh.PublicKey
}

// ReadSSH2Dir reads every key_*.pub file of dir. Files that do not parse
// are reported in the error list and skipped.
func ReadSSH2Dir(dir string) ([]SSH2Key, []error, error) {
	return readSSH2FS(os.DirFS(dir), dir)
}

// readSSH2FS reads the key files of fsys, naming them under dir; the fuzz
// target gives it a directory in memory.
func readSSH2FS(fsys fs.FS, dir string) ([]SSH2Key, []error, error) {
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, nil, err
	}
	var out []SSH2Key
	var bad []error
	for _, e := range ents {
		if e.IsDir() || !strings.HasPrefix(e.Name(), "key_") {
			continue
		}
		host, port, err := ParseSSH2FileName(e.Name())
		if err == nil && (host == "" || strings.ContainsAny(host, ssh2PatternChars)) {
			// "key_22__052.pub" is host "*": as a known_hosts line it
			// would be a pattern, its key trusted for every host.
			err = fmt.Errorf("%s: host %q would be a known_hosts pattern", showName(e.Name()), host)
		}
		if err != nil {
			bad = append(bad, err)
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			bad = append(bad, fmt.Errorf("%s: %w", showName(p), err))
			continue
		}
		k, _, err := keys.ParseRFC4716(data)
		if err != nil {
			bad = append(bad, fmt.Errorf("%s: %w", showName(p), err))
			continue
		}
		out = append(out, SSH2Key{File: p, Host: host, Port: port, Key: k})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, bad, nil
}

// WriteSSH2Key writes one host key into dir in RFC 4716 form, atomically.
func WriteSSH2Key(dir, host string, port int, key ssh.PublicKey) (string, error) {
	p := filepath.Join(dir, SSH2FileName(host, port))
	return p, atomicfile.WriteFile(p, keys.MarshalRFC4716(key, ""), 0o644)
}

// ExportNames lists the (host, port) pairs an entry can be exported under:
// only literal names of unmarked, unhashed entries.
func ExportNames(e *Entry) ([]string, error) {
	if e.Marker != MarkerNone {
		return nil, errors.New("marked entry")
	}
	if e.Hashed() {
		return nil, errors.New("hashed host name")
	}
	var names []string
	for _, n := range strings.Split(e.Hosts, ",") {
		if n == "" || HasWildcard(n) {
			continue
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, errors.New("only patterns")
	}
	return names, nil
}
