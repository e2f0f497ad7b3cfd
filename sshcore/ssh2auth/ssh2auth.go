// Package ssh2auth reads the two key lists of SSH Communications' ssh2
// (and of HP TCP/IP Services for OpenVMS, which ships it). The client's
// identification file names the user's private key files, one IdKey line
// each (ParseIdentification). The server's authorization file is
// the user's list of the public key files that may log in, in the user's
// configuration directory (~/.ssh2/authorization, SYS$LOGIN:[.SSH2]
// AUTHORIZATION. on OpenVMS), each key file named on a Key line and
// followed by the Command or Options lines that restrict it:
//
//	# comment
//	Key id_dsa_2048_a.pub
//	Options allow-from="10\.1\..*",no-pty,command="/usr/local/bin/backup"
//	KEY ID_RSA_2048_B.PUB
//	Command "/bin/date"
//
// Keywords are case-insensitive. An option sshbox cannot enforce
// (idle-timeout and any it does not know) marks its key unusable rather
// than being dropped, and a keyword it does not know rejects the file: a
// restriction is enforced or the key does not log in.
package ssh2auth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Key is one Key line with the restrictions of the lines after it.
type Key struct {
	Line int    // the Key line's number, from 1
	File string // the key file as written: relative to the user's directory, or absolute

	Command     string // Command, or Options command=: the forced command
	HasCommand  bool
	AllowFrom   []string // allow-from= patterns (the server's REGEX-SYNTAX), each a list
	DenyFrom    []string // deny-from= patterns
	Environment []string // environment= NAME=value

	NoPty, NoPortForwarding, NoX11Forwarding, NoAgentForwarding bool

	// Unsupported names the first option sshbox does not enforce; the key
	// must not be used.
	Unsupported string
	// PGP: a PgpKeyName, PgpKeyFingerprint or PgpKeyId entry. sshbox has
	// no PGP keys, so it never logs in; it is kept so that the Options
	// after it are not taken for the key before it.
	PGP bool
}

// line is one keyword line of either file: the keyword as written and
// lowered, and its value unquoted.
type line struct {
	n             int
	word, kw, val string
}

// keywordLines splits a file's records into keyword lines, leaving out
// blank lines and comments; a keyword without a value is an error.
func keywordLines(lines []string) ([]line, error) {
	var out []line
	for i, raw := range lines {
		l := strings.TrimSpace(raw)
		if l == "" || l[0] == '#' {
			continue
		}
		word, value := l, ""
		if j := strings.IndexAny(l, " \t"); j >= 0 {
			word, value = l[:j], strings.TrimSpace(l[j+1:])
		}
		value = unquote(value)
		if value == "" {
			return nil, fmt.Errorf("line %d: no argument after keyword %q", i+1, word)
		}
		out = append(out, line{n: i + 1, word: word, kw: strings.ToLower(word), val: value})
	}
	return out, nil
}

// IdKey is one IdKey line of an identification file.
type IdKey struct {
	Line int    // from 1
	File string // the private key file as written: relative to the user's directory, or absolute
}

// ParseIdentification reads an identification file's lines: the IdKey
// files in order. PGP entries (IdPgpKeyName, IdPgpKeyFingerprint,
// IdPgpKeyId, PgpSecretKeyFile) are left out, since sshbox has no PGP
// keys; another keyword is an error naming its line.
func ParseIdentification(lines []string) ([]IdKey, error) {
	kls, err := keywordLines(lines)
	if err != nil {
		return nil, err
	}
	var out []IdKey
	for _, l := range kls {
		switch l.kw {
		case "idkey":
			out = append(out, IdKey{Line: l.n, File: l.val})
		case "idpgpkeyname", "idpgpkeyfingerprint", "idpgpkeyid", "pgpsecretkeyfile":
		default:
			return nil, fmt.Errorf("line %d: unknown keyword %q", l.n, l.word)
		}
	}
	return out, nil
}

// Parse reads an authorization file's lines (records, without their line
// ends). An error names the line.
func Parse(lines []string) ([]Key, error) {
	kls, err := keywordLines(lines)
	if err != nil {
		return nil, err
	}
	var out []Key
	for _, l := range kls {
		n, word, kw, value := l.n, l.word, l.kw, l.val
		switch kw {
		case "key":
			out = append(out, Key{Line: n, File: value})
		case "pgpkeyname", "pgpkeyfingerprint", "pgpkeyid":
			out = append(out, Key{Line: n, File: value, PGP: true})
		case "pgppublickeyfile":
			// The keyring the PGP entries come from: nothing to use.
		case "command", "options":
			if len(out) == 0 {
				return nil, fmt.Errorf("line %d: %s before any Key", n, word)
			}
			k := &out[len(out)-1]
			if kw == "command" {
				k.Command, k.HasCommand = value, true
				continue
			}
			if err := k.addOptions(value); err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
		default:
			return nil, fmt.Errorf("line %d: unknown keyword %q", n, word)
		}
	}
	return out, nil
}

// unquote strips one pair of double quotes around a whole value.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// addOptions adds an Options line's comma-separated options: name or
// name=value, the value in double quotes when it holds a comma (\" and \\
// inside them are a quote and a backslash).
func (k *Key) addOptions(v string) error {
	for v != "" {
		name, rest := v, ""
		if j := strings.IndexAny(v, "=,"); j >= 0 {
			name, rest = v[:j], v[j:]
		}
		name = strings.ToLower(strings.TrimSpace(name))
		var value string
		hasValue := strings.HasPrefix(rest, "=")
		if hasValue {
			var err error
			value, rest, err = optionValue(strings.TrimLeft(rest[1:], " \t"))
			if err != nil {
				return fmt.Errorf("option %s: %v", name, err)
			}
		}
		rest = strings.TrimLeft(rest, " \t")
		switch {
		case rest == "":
		case rest[0] == ',':
			rest = strings.TrimLeft(rest[1:], " \t")
		default:
			return fmt.Errorf("option %s: unexpected %q", name, rest)
		}
		v = rest
		if name == "" {
			return fmt.Errorf("empty option")
		}
		if err := k.setOption(name, value, hasValue); err != nil {
			return err
		}
	}
	return nil
}

// optionValue reads a value up to the next comma, or a quoted one.
func optionValue(s string) (value, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		j := strings.IndexByte(s, ',')
		if j < 0 {
			return strings.TrimSpace(s), "", nil
		}
		return strings.TrimSpace(s[:j]), s[j:], nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case s[i] == '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", fmt.Errorf("unterminated quotes")
}

func (k *Key) setOption(name, value string, hasValue bool) error {
	flag := func(p *bool) error {
		if hasValue {
			return fmt.Errorf("option %s takes no value", name)
		}
		*p = true
		return nil
	}
	need := func() error {
		if !hasValue || value == "" {
			return fmt.Errorf("option %s needs a value", name)
		}
		return nil
	}
	switch name {
	case "no-pty":
		return flag(&k.NoPty)
	case "no-port-forwarding":
		return flag(&k.NoPortForwarding)
	case "no-x11-forwarding":
		return flag(&k.NoX11Forwarding)
	case "no-agent-forwarding":
		return flag(&k.NoAgentForwarding)
	case "command":
		if err := need(); err != nil {
			return err
		}
		k.Command, k.HasCommand = value, true
	case "allow-from", "deny-from":
		if err := need(); err != nil {
			return err
		}
		if name == "allow-from" {
			k.AllowFrom = append(k.AllowFrom, value)
		} else {
			k.DenyFrom = append(k.DenyFrom, value)
		}
	case "environment":
		if err := need(); err != nil {
			return err
		}
		if !strings.Contains(value, "=") {
			return fmt.Errorf("option environment wants NAME=value, not %q", value)
		}
		k.Environment = append(k.Environment, value)
	default:
		// idle-timeout and what sshbox does not know: not enforced, so
		// the key is not used (Unsupported).
		if k.Unsupported == "" {
			k.Unsupported = name
		}
	}
	return nil
}

// AnyCase is a key file's path as a Key or IdKey line names it when that
// exists, else in lower or upper case when one of those does: OpenVMS's
// file names have no case, and a file copied from there may have come out
// in either.
func AnyCase(path string) string {
	d, b := filepath.Split(path)
	for _, n := range []string{b, strings.ToLower(b), strings.ToUpper(b)} {
		if _, err := os.Lstat(filepath.Join(d, n)); err == nil {
			return filepath.Join(d, n)
		}
	}
	return path
}
