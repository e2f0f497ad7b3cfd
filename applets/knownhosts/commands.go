package knownhosts

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sshbox/internal/errtext"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/keys"
	kh "sshbox/sshcore/knownhosts"
)

func (a *app) usage(c *call, n int) bool {
	if len(c.args) != n {
		fmt.Fprintf(a.stderr, msgArgs, c.cmd.name, c.cmd.name+" "+c.cmd.argsUsage)
		return false
	}
	return true
}

// readFile reads the known_hosts file; a missing one is empty. Lines that
// do not parse are reported once.
func (a *app) readFile() ([]kh.Line, bool) {
	lines, err := kh.ReadFile(a.file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, true
	}
	if err != nil {
		a.fileError(err)
		return nil, false
	}
	for _, l := range lines {
		if l.Err != nil {
			fmt.Fprintf(a.stderr, "known-hosts: %s:%d: %v\n", a.file, l.Num, l.Err)
		}
	}
	return lines, true
}

// hostArg turns HOST or [HOST]:PORT into host and port.
func (a *app) hostArg(s string) (string, int, bool) {
	host, port, err := kh.ParseHostPort(s)
	if err != nil {
		fmt.Fprintf(a.stderr, msgBadHost, s, err)
		return "", 0, false
	}
	return host, port, true
}

func (a *app) printEntry(e *kh.Entry) {
	marker := ""
	if e.Marker != "" {
		marker = e.Marker + " "
	}
	hosts := e.Hosts
	if e.Hashed() {
		hosts = msgHashedName
	}
	fmt.Fprintf(a.stdout, msgListLine, a.file, e.Line, marker, hosts, keys.TypeLabel(e.Key), keys.Fingerprint(e.Key, "sha256"))
}

func (a *app) list(c *call) int {
	if !a.usage(c, 0) {
		return 1
	}
	lines, ok := a.readFile()
	if !ok {
		return 1
	}
	for _, l := range lines {
		if l.Entry != nil {
			a.printEntry(l.Entry)
		}
	}
	return 0
}

func (a *app) find(c *call) int {
	if !a.usage(c, 1) {
		return 1
	}
	host, port, ok := a.hostArg(c.arg(0))
	if !ok {
		return 1
	}
	lines, ok := a.readFile()
	if !ok {
		return 1
	}
	found := kh.Find(lines, kh.HostPattern(host, port))
	for _, l := range found {
		a.printEntry(l.Entry)
	}
	if len(found) == 0 {
		fmt.Fprintf(a.stderr, msgNotFound, kh.HostPattern(host, port), a.file)
		return 1
	}
	return 0
}

// readKey reads a public key from a file (.pub line, RFC 4716, or the
// public half of a private key) or from stdin for "-".
func (a *app) readKey(arg string) (ssh.PublicKey, bool) {
	var k ssh.PublicKey
	var err error
	if arg == "-" {
		var data []byte
		data, err = io.ReadAll(a.stdin)
		if err == nil {
			k, _, err = keys.ParsePublic(data)
		}
	} else {
		k, _, err = keys.LoadPublicFile(arg)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, msgBadKeyFile, arg, errtext.Reason(err))
		return nil, false
	}
	return k, true
}

// addKey appends host:port with key unless it is known; a different key of
// the same type is refused, with the command that removes it.
func (a *app) addKey(db *kh.DB, host string, port int, key ssh.PublicKey, hash, quiet bool) (added, ok bool) {
	name := kh.HostPattern(host, port)
	switch r := db.CheckExact(host, port, key); r.Status {
	case kh.Known:
		if !quiet {
			fmt.Fprintf(a.stderr, msgAlreadyKnown, name, keys.TypeLabel(key), r.Entry.File, r.Entry.Line)
		}
		return false, true
	case kh.Changed, kh.Revoked:
		fmt.Fprintf(a.stderr, msgKeyDiffers, name, keys.TypeLabel(key), r.Entry.File, r.Entry.Line, a.file, name)
		return false, false
	}
	if err := kh.Append(a.file, host, port, key, hash); err != nil {
		a.fileError(err)
		return false, false
	}
	db.Entries = append(db.Entries, &kh.Entry{File: a.file, Line: -1, Key: key, Hosts: name})
	return true, true
}

func (a *app) openDB() (*kh.DB, bool) {
	db, err := kh.Open(a.file)
	if err != nil {
		a.fileError(err)
		return nil, false
	}
	return db, true
}

func (a *app) add(c *call) int {
	if !a.usage(c, 2) {
		return 1
	}
	host, port, ok := a.hostArg(c.arg(0))
	if !ok {
		return 1
	}
	key, ok := a.readKey(c.arg(1))
	if !ok {
		return 1
	}
	db, ok := a.openDB()
	if !ok {
		return 1
	}
	added, ok := a.addKey(db, host, port, key, c.hash, false)
	if !ok {
		return 1
	}
	if added {
		fmt.Fprintf(a.stdout, msgAdded, kh.HostPattern(host, port), keys.TypeLabel(key), keys.Fingerprint(key, "sha256"), a.file)
	}
	return 0
}

func (a *app) remove(c *call) int {
	if !a.usage(c, 1) {
		return 1
	}
	host, port, ok := a.hostArg(c.arg(0))
	if !ok {
		return 1
	}
	lines, ok := a.readFile()
	if !ok {
		return 1
	}
	name := kh.HostPattern(host, port)
	texts, changed := kh.RemoveName(lines, name)
	if len(changed) == 0 {
		fmt.Fprintf(a.stderr, msgNotFound, name, a.file)
		return 1
	}
	if err := kh.WriteLines(a.file, texts, false); err != nil {
		a.fileError(err)
		return 1
	}
	nums := make([]string, len(changed))
	for i, n := range changed {
		nums[i] = strconv.Itoa(n)
	}
	fmt.Fprintf(a.stdout, msgRemoved, name, a.file, strings.Join(nums, ", "))
	return 0
}

func (a *app) hash(c *call) int {
	if !a.usage(c, 0) {
		return 1
	}
	lines, ok := a.readFile()
	if !ok {
		return 1
	}
	var out []string
	n := 0
	for _, l := range lines {
		h, did := kh.HashLine(l)
		if did {
			n += len(h)
		}
		out = append(out, h...)
	}
	if n > 0 {
		if err := kh.WriteLines(a.file, out, false); err != nil {
			a.fileError(err)
			return 1
		}
	}
	fmt.Fprintf(a.stdout, msgHashed, n, a.file)
	return 0
}

func (a *app) scan(c *call) int {
	if len(c.args) == 0 {
		fmt.Fprintf(a.stderr, msgArgs, "scan", "scan "+c.cmd.argsUsage)
		return 1
	}
	types := kh.DefaultScanTypes
	if t := c.types; t != "" {
		types = strings.Split(t, ",")
		for _, typ := range types {
			if _, ok := kh.ScanTypes[typ]; !ok {
				fmt.Fprintf(a.stderr, "known-hosts scan: unknown key type %q\n", typ)
				return 1
			}
		}
	}
	port := c.port
	if port < 1 || port > 65535 {
		fmt.Fprintf(a.stderr, "known-hosts scan: bad port %d\n", port)
		return 1
	}
	var db *kh.DB
	if c.add {
		var ok bool
		if db, ok = a.openDB(); !ok {
			return 1
		}
	}
	status := 0
	for _, arg := range c.args {
		host, p, ok := a.hostArg(arg)
		if !ok {
			status = 1
			continue
		}
		port := port
		if strings.HasPrefix(arg, "[") {
			port = p // [host]:port overrides -p for that host
		}
		got := 0
		announced := false
		for _, r := range kh.Scan(host, port, types, time.Duration(c.timeout)*time.Second) {
			if r.Err != nil {
				fmt.Fprintf(a.stderr, msgScanFailed, host, port, r.Type, r.Err)
				continue
			}
			if r.Key == nil {
				continue // the server has no key of this type
			}
			if !announced {
				fmt.Fprintf(a.stderr, msgScanComment, host, port, r.Version)
				announced = true
			}
			got++
			fmt.Fprintln(a.stdout, kh.FormatLine(host, port, r.Key, c.hash))
			if db != nil {
				if _, ok := a.addKey(db, host, port, r.Key, c.hash, true); !ok {
					status = 1
				}
			}
		}
		if got == 0 {
			status = 1
		}
	}
	return status
}

func (a *app) importSSH2(c *call) int {
	if !a.usage(c, 1) {
		return 1
	}
	dir := c.arg(0)
	list, bad, err := kh.ReadSSH2Dir(dir)
	if err != nil {
		fmt.Fprintf(a.stderr, msgWarning, err)
		return 1
	}
	status := 0
	for _, e := range bad {
		fmt.Fprintf(a.stderr, msgWarning, e)
		status = 1
	}
	db, ok := a.openDB()
	if !ok {
		return 1
	}
	added, known := 0, 0
	for _, k := range list {
		did, ok := a.addKey(db, k.Host, k.Port, k.Key, c.hash, true)
		switch {
		case !ok:
			status = 1
		case did:
			added++
		default:
			known++
		}
	}
	fmt.Fprintf(a.stdout, msgImported, added, dir, a.file, known)
	return status
}

func (a *app) exportSSH2(c *call) int {
	if !a.usage(c, 1) {
		return 1
	}
	dir := c.arg(0)
	lines, ok := a.readFile()
	if !ok {
		return 1
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(a.stderr, msgWarning, err)
		return 1
	}
	written := map[string]int{}
	n := 0
	for _, l := range lines {
		if l.Entry == nil {
			continue
		}
		names, err := kh.ExportNames(l.Entry)
		if err != nil {
			fmt.Fprintf(a.stderr, msgSkipEntry, a.file, l.Num, err)
			continue
		}
		for _, name := range names {
			host, port := kh.SplitHostPort(name)
			file := kh.SSH2FileName(host, port)
			if first, dup := written[file]; dup {
				fmt.Fprintf(a.stderr, msgSkipDuplicate, a.file, l.Num, name, first)
				continue
			}
			if _, err := kh.WriteSSH2Key(dir, host, port, l.Entry.Key); err != nil {
				fmt.Fprintf(a.stderr, msgWarning, err)
				return 1
			}
			written[file] = l.Num
			n++
		}
	}
	fmt.Fprintf(a.stdout, msgExported, n, a.file, dir)
	return 0
}

// fileError reports a failure to read or write the known_hosts file: the
// file and the system's reason (never the temporary file's name a failed
// atomic write would carry), or a parse error as it is.
func (a *app) fileError(err error) {
	var pe *os.PathError
	if errors.As(err, &pe) {
		fmt.Fprintf(a.stderr, msgFileError, a.file, errtext.Reason(err))
		return
	}
	fmt.Fprintf(a.stderr, msgWarning, err)
}
