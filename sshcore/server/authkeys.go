package server

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/sshtime"
	"sshbox/sshcore/tun"
)

// keyOptions are the options of one authorized_keys line (sshd(8)
// "AUTHORIZED_KEYS FILE FORMAT"), after restrict and its re-enabling
// options were applied in order.
type keyOptions struct {
	Command           string
	HasCommand        bool
	From              []string
	Environment       []string // NAME=value
	NoPty             bool
	NoPortForwarding  bool
	NoAgentForwarding bool
	NoX11Forwarding   bool
	NoUserRC          bool
	ExpiryTime        time.Time // zero: never
	PermitOpen        []string
	PermitListen      []string
	Principals        []string
	CertAuthority     bool
	ForceTun          bool   // tunnel="n" was given:
	TunDevice         uint32 // the only unit ssh -w may have (tun.Any: any, but not a named one)

	// Info is not an option: Dropbear's SSH_PUBKEYINFO, taken from the
	// line that let the key in (pubkeyInfo) when the server sets it.
	Info string
	// Nor are these: the file (or AuthorizedKeysCommand) and line that
	// let the key (or the certificate's CA) in, atLine 0 when none; and
	// the VERBOSE line that says so (logKeyFound).
	atFile string
	atLine int
	found  string
}

// authorizedKey is one parsed authorized_keys line.
type authorizedKey struct {
	Key     ssh.PublicKey
	Comment string
	Options keyOptions
}

// maxAuthKeysLine bounds one line; OpenSSH's limit is 8 KiB per line too.
const maxAuthKeysLine = 8192

// parseAuthorizedKey parses one authorized_keys record. Blank lines and
// comments give (nil, nil).
func parseAuthorizedKey(line string, now time.Time) (*authorizedKey, error) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return nil, nil
	}
	if len(line) > maxAuthKeysLine {
		return nil, fmt.Errorf("line longer than %d bytes", maxAuthKeysLine)
	}
	key, comment, opts, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, fmt.Errorf("no valid key: %v", err)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, fmt.Errorf("more than one key on the line")
	}
	ko, err := parseKeyOptions(opts, now)
	if err != nil {
		return nil, err
	}
	return &authorizedKey{Key: key, Comment: comment, Options: ko}, nil
}

// pubkeyInfo is Dropbear's SSH_PUBKEYINFO for an authorized_keys line:
// the word that follows the key's base64 after exactly one space, up to the
// next space, and only when every byte of it is a letter, a digit or one
// of ".,_-+@" (Dropbear's allowlist: scripts may use the value unquoted).
// Otherwise there is none.
func pubkeyInfo(line string, key ssh.PublicKey) string {
	blob := base64.StdEncoding.EncodeToString(key.Marshal())
	i := strings.Index(line, " "+blob)
	if i < 0 {
		return ""
	}
	rest, ok := strings.CutPrefix(line[i+1+len(blob):], " ")
	if !ok {
		return ""
	}
	if j := strings.IndexByte(rest, ' '); j >= 0 {
		rest = rest[:j]
	}
	for k := 0; k < len(rest); k++ {
		c := rest[k]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".,_-+@", c) >= 0) {
			return ""
		}
	}
	return rest
}

// parseKeyOptions applies the options in the order written.
func parseKeyOptions(opts []string, now time.Time) (keyOptions, error) {
	var ko keyOptions
	for _, o := range opts {
		name, value, hasValue := strings.Cut(o, "=")
		name = strings.ToLower(name)
		if hasValue {
			v, err := unquoteOption(value)
			if err != nil {
				return ko, fmt.Errorf("bad key option %s: %v", name, err)
			}
			value = v
		}
		flag := func(p *bool, to bool) error {
			if hasValue {
				return fmt.Errorf("key option %s takes no value", name)
			}
			*p = to
			return nil
		}
		need := func() error {
			if !hasValue {
				return fmt.Errorf("key option %s needs a value", name)
			}
			return nil
		}
		var err error
		switch name {
		case "restrict":
			if err = flag(&ko.NoPty, true); err == nil {
				ko.NoPortForwarding, ko.NoAgentForwarding, ko.NoX11Forwarding, ko.NoUserRC = true, true, true, true
			}
		case "pty":
			err = flag(&ko.NoPty, false)
		case "no-pty":
			err = flag(&ko.NoPty, true)
		case "port-forwarding":
			err = flag(&ko.NoPortForwarding, false)
		case "no-port-forwarding":
			err = flag(&ko.NoPortForwarding, true)
		case "agent-forwarding":
			err = flag(&ko.NoAgentForwarding, false)
		case "no-agent-forwarding":
			err = flag(&ko.NoAgentForwarding, true)
		case "x11-forwarding":
			err = flag(&ko.NoX11Forwarding, false)
		case "no-x11-forwarding":
			err = flag(&ko.NoX11Forwarding, true)
		case "user-rc":
			err = flag(&ko.NoUserRC, false)
		case "no-user-rc":
			err = flag(&ko.NoUserRC, true)
		case "cert-authority":
			err = flag(&ko.CertAuthority, true)
		case "no-touch-required":
			// x/crypto demands user presence for security keys; honouring
			// no-touch-required would only relax that, so a line with it
			// keeps the stricter check.
			err = flag(new(bool), true)
		case "verify-required":
			// User verification (PIN) is not checked by x/crypto: a line
			// that demands it is unusable rather than weaker.
			err = fmt.Errorf("key option verify-required is not supported by sshbox")
		case "command":
			if err = need(); err == nil {
				ko.Command, ko.HasCommand = value, true
			}
		case "from":
			if err = need(); err == nil {
				ko.From = append(ko.From, splitList(value)...)
			}
		case "environment":
			if err = need(); err == nil {
				if k, _, ok := strings.Cut(value, "="); !ok || k == "" {
					err = fmt.Errorf("environment=%q is not NAME=value", value)
				} else {
					ko.Environment = append(ko.Environment, value)
				}
			}
		case "expiry-time":
			if err = need(); err == nil {
				ko.ExpiryTime, err = parseExpiry(value, now.Location())
			}
		case "permitopen":
			if err = need(); err == nil {
				ko.PermitOpen = append(ko.PermitOpen, value)
			}
		case "permitlisten":
			if err = need(); err == nil {
				ko.PermitListen = append(ko.PermitListen, value)
			}
		case "tunnel":
			// OpenSSH's a2tun without a remote part: a unit or "any".
			if err = need(); err == nil {
				if ko.TunDevice, err = tun.ParseUnit(value); err != nil {
					err = fmt.Errorf("invalid tun device %q", value)
				}
				ko.ForceTun = true
			}
		case "principals":
			if err = need(); err == nil {
				ko.Principals = append(ko.Principals, splitList(value)...)
			}
		default:
			err = fmt.Errorf("unknown key option %q", name)
		}
		if err != nil {
			return ko, err
		}
	}
	return ko, nil
}

// unquoteOption takes the value of name="value" apart: the quotes go, and
// \" inside stands for a quote, as in OpenSSH.
func unquoteOption(v string) (string, error) {
	if !strings.HasPrefix(v, `"`) {
		return v, nil
	}
	if len(v) < 2 || !strings.HasSuffix(v, `"`) {
		return "", fmt.Errorf("unterminated quote")
	}
	return strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`), nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseExpiry reads YYYYMMDD[HHMM[SS]], in local time unless it ends in Z.
func parseExpiry(v string, loc *time.Location) (time.Time, error) {
	t, err := sshtime.Absolute(v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("expiry-time %q is not YYYYMMDD[HHMM[SS]][Z]", v)
	}
	return t, nil
}
