package sshkeygen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"sshbox/internal/errtext"

	"sshbox/sshcore/keys"
	"sshbox/sshcore/knownhosts"
)

// knownHosts is -F, -R and -H on a known_hosts file (-f, default
// ~/.ssh/known_hosts), with OpenSSH's output.
func (o *opts) knownHosts() int {
	path := o.file
	if !o.hasFile {
		path = filepath.Join(homeDir(), ".ssh", "known_hosts")
	}
	if _, err := os.Stat(path); err != nil {
		return o.fatalf(msgCannotStat, path, errtext.Reason(err))
	}
	lines, err := knownhosts.ReadFile(path)
	if errors.Is(err, syscall.EISDIR) {
		// OpenSSH opens a directory and reads no lines from it.
		lines, err = nil, nil
	}
	if err != nil {
		return o.fatalf("do_known_hosts: hostkeys_foreach: %s", errtext.Reason(err))
	}
	if len(o.args) != 0 {
		fmt.Fprint(o.stderr, usageText)
		return 1
	}
	switch {
	case o.find:
		return o.findHost(lines, o.host)
	case o.remove:
		return o.removeHost(path, lines, o.host)
	}
	return o.hashFile(path, lines)
}

func (o *opts) findHost(lines []knownhosts.Line, host string) int {
	found := knownhosts.Find(lines, host)
	for _, l := range found {
		if !o.quiet {
			marker := ""
			switch l.Entry.Marker {
			case knownhosts.MarkerCertAuthority:
				marker = "CA"
			case knownhosts.MarkerRevoked:
				marker = "REVOKED"
			}
			fmt.Fprintf(o.stdout, msgHostFound, host, l.Num, marker)
		}
		switch {
		case o.hash:
			out, _ := knownhosts.HashLine(l)
			for _, s := range out {
				fmt.Fprintln(o.stdout, s)
			}
		case o.list:
			comment := ""
			if l.Entry.Comment != "" {
				comment = " " + l.Entry.Comment
			}
			fmt.Fprintf(o.stdout, "%s %s %s%s\n", host, keys.TypeLabel(l.Entry.Key),
				keys.Fingerprint(l.Entry.Key, o.hashAlg), comment)
			if o.verbose > 0 {
				fmt.Fprintln(o.stdout, keys.Randomart(l.Entry.Key, o.hashAlg))
			}
		default:
			fmt.Fprintln(o.stdout, l.Text)
		}
	}
	if len(found) == 0 {
		return 1
	}
	return 0
}

// invalidLines reports each line that does not parse; OpenSSH then leaves
// the file alone rather than rewrite it without them.
func (o *opts) invalidLines(path string, lines []knownhosts.Line) bool {
	bad := false
	for _, l := range lines {
		if l.Err != nil {
			o.errorf(msgInvalidLine, path, l.Num)
			bad = true
		}
	}
	if bad {
		o.errorf(msgNotValidFile, path)
		o.errorf(msgNotReplacing)
	}
	return bad
}

func (o *opts) removeHost(path string, lines []knownhosts.Line, host string) int {
	kept, removed := knownhosts.Remove(lines, host)
	if !o.quiet {
		for _, l := range removed {
			fmt.Fprintf(o.stdout, msgHostFoundR, host, l.Num)
		}
	}
	if o.invalidLines(path, lines) {
		return 1
	}
	if len(removed) == 0 {
		o.errorf(msgHostNotFound, host, path)
		return 0
	}
	if err := knownhosts.WriteLines(path, knownhosts.Texts(kept), true); err != nil {
		return o.fatalf("%s", writeFailure(err))
	}
	fmt.Fprintf(o.stdout, msgUpdated, path)
	fmt.Fprintf(o.stdout, msgRetained, path+".old")
	return 0
}

func (o *opts) hashFile(path string, lines []knownhosts.Line) int {
	if o.invalidLines(path, lines) {
		return 1
	}
	var out []string
	hashedAny := false
	for _, l := range lines {
		if l.Entry != nil && !l.Entry.Hashed() && knownhosts.HasWildcard(l.Entry.Hosts) {
			o.errorf(msgWildcard, path, l.Num, l.Entry.Hosts)
		}
		h, did := knownhosts.HashLine(l)
		hashedAny = hashedAny || did
		out = append(out, h...)
	}
	if err := knownhosts.WriteLines(path, out, true); err != nil {
		return o.fatalf("%s", writeFailure(err))
	}
	fmt.Fprintf(o.stdout, msgUpdated, path)
	fmt.Fprintf(o.stdout, msgRetained, path+".old")
	if hashedAny {
		o.errorf(msgUnhashed1, path+".old")
		o.errorf(msgUnhashed2)
	}
	return 0
}

// writeFailure words a failed rewrite as OpenSSH does; its backup is a
// hard link, "link FILE to FILE.old: reason" when that fails.
func writeFailure(err error) string {
	var le *os.LinkError
	if errors.As(err, &le) {
		return fmt.Sprintf("link %s to %s: %s", le.Old, le.New, errtext.Reason(le.Err))
	}
	return errtext.Reason(err)
}
