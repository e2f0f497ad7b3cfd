package configfmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Keyword tables: one row per keyword, so that adding one is one line. The
// rows of each side are in the order OpenSSH prints them (`ssh -G`,
// `sshd -T`); rows it does not print come last.

// keywordAlias is another spelling OpenSSH accepts for a keyword (both
// lowercase). The alias tables are lists, not maps, as a map literal is
// built by code at start-up.
type keywordAlias struct{ alias, name string }

// canonicalName is the keyword a lowercase name stands for: itself, or
// the keyword it is an alias of.
func canonicalName(aliases []keywordAlias, name string) string {
	for _, a := range aliases {
		if a.alias == name {
			return a.name
		}
	}
	return name
}

// status says what sshbox does with a keyword.
type status int

const (
	acted      status = iota // parsed into the typed options and used
	warned                   // known to OpenSSH, accepted, one warning: sshbox does not act on it
	deprecated               // OpenSSH itself ignores it (deprecated or unsupported)
	structural               // Host, Match, Include, IgnoreUnknown
)

func (s status) String() string {
	switch s {
	case acted:
		return "acted on"
	case warned:
		return "accepted with a warning (not acted on)"
	case deprecated:
		return "accepted with a warning (deprecated in OpenSSH)"
	}
	return "acted on (structure)"
}

// extraVal is how a keyword sshbox does not act on is checked and printed:
// its value is kept as OpenSSH would print it.
type extraVal struct {
	def     string                         // printed when unset; "" = not printed
	norm    func([]string) (string, error) // checks and prints one value; nil: see words
	words   []string                       // instead of norm: the accepted words (oneOf)
	several bool                           // takes several arguments (else one, when norm or words is set)
	hidden  bool                           // checked and kept, but not printed by -G / -T
}

// printed is what -G / -T print for a kept keyword: the value set in extra,
// else the default; nothing for a hidden (or absent) one.
func (x *extraVal) printed(extra map[string]string, name string) []string {
	if x == nil || x.hidden {
		return nil
	}
	v, ok := extra[name]
	if !ok {
		v = x.def
	}
	if v == "" {
		return nil
	}
	return []string{v}
}

// Normalizers for keywords kept only to be printed.

func nFlag(a []string) (string, error) {
	b, err := parseYesNo(a[0])
	return yesno(b), err
}

// oneOf accepts one of words (case-insensitively) and prints it as
// OpenSSH prints it: a word "yes=true" accepts yes and prints true.
func oneOf(words []string, a []string) (string, error) {
	l := strings.ToLower(a[0])
	var names []string
	for _, c := range words {
		in, out, ok := strings.Cut(c, "=")
		if !ok {
			out = in
		}
		if l == in {
			return out, nil
		}
		names = append(names, in)
	}
	return "", fmt.Errorf("unsupported option %q (one of %s)", a[0], strings.Join(names, ", "))
}

func nInt(a []string) (string, error) {
	n, err := parseInt(a[0])
	return strconv.Itoa(n), err
}

func nTime(a []string) (string, error) {
	n, err := parseTime(a[0])
	return strconv.Itoa(n), err
}

func nUpper(a []string) (string, error) { return strings.ToUpper(a[0]), nil }

func nFirst(a []string) (string, error) { return a[0], nil }

// oneArg: OpenSSH refuses extra arguments after a single value.
func oneArg(a []string) error {
	if len(a) > 1 {
		return fmt.Errorf("garbage at end of line: %q", strings.Join(a[1:], " "))
	}
	return nil
}

// parse checks a value and returns it as -G / -T print it.
func (x extraVal) parse(a []string) (string, error) {
	if !x.several && (x.norm != nil || x.words != nil) {
		if err := oneArg(a); err != nil {
			return "", err
		}
	}
	switch {
	case x.words != nil:
		return oneOf(x.words, a)
	case x.norm != nil:
		return x.norm(a)
	}
	return strings.Join(a, " "), nil
}

// nIPQoS: one value stands for both interactive and bulk traffic; each is
// checked and printed as OpenSSH's iptos2str prints it.
func nIPQoS(a []string) (string, error) {
	i, b, err := parseIPQoS(a)
	if err != nil {
		return "", err
	}
	return ipqosText(i) + " " + ipqosText(b), nil
}

// IPQoSNone is IPQoS none: the socket's TOS is left alone.
const IPQoSNone = -1

// ipqosNames are OpenSSH's IPQoS words and their TOS byte values
// (misc.c's table; DSCP code points shifted into the TOS byte).
var ipqosNames = []struct {
	name string
	tos  int
}{
	{"none", IPQoSNone},
	{"af11", 0x28}, {"af12", 0x30}, {"af13", 0x38},
	{"af21", 0x48}, {"af22", 0x50}, {"af23", 0x58},
	{"af31", 0x68}, {"af32", 0x70}, {"af33", 0x78},
	{"af41", 0x88}, {"af42", 0x90}, {"af43", 0x98},
	{"cs0", 0x00}, {"cs1", 0x20}, {"cs2", 0x40}, {"cs3", 0x60},
	{"cs4", 0x80}, {"cs5", 0xa0}, {"cs6", 0xc0}, {"cs7", 0xe0},
	{"ef", 0xb8}, {"le", 0x04},
	{"lowdelay", 0x10}, {"throughput", 0x08}, {"reliability", 0x04},
}

// parseIPQoS reads IPQoS's one or two values (interactive, bulk): words of
// the table or numbers 0-255 (C notation, as strtol's base 0).
func parseIPQoS(a []string) (interactive, bulk int, err error) {
	if len(a) > 2 {
		return 0, 0, oneArg(a[1:])
	}
	var v [2]int
	for i, w := range a {
		v[i] = -2
		for _, n := range ipqosNames {
			if strings.EqualFold(w, n.name) {
				v[i] = n.tos
				break
			}
		}
		if v[i] == -2 {
			n, perr := strconv.ParseInt(w, 0, 32)
			if perr != nil || n < 0 || n > 255 {
				return 0, 0, fmt.Errorf("Bad IPQoS value: %s", w)
			}
			v[i] = int(n)
		}
	}
	if len(a) == 1 {
		v[1] = v[0]
	}
	return v[0], v[1], nil
}

// ipqosText names a TOS value as OpenSSH's iptos2str: the first word of
// the table with that value, else 0x and two hex digits.
func ipqosText(v int) string {
	for _, n := range ipqosNames {
		if n.tos == v {
			return n.name
		}
	}
	return fmt.Sprintf("0x%02x", v)
}

// rekeyBytes is the size part of a normalized RekeyLimit ("SIZE SECS"):
// the data after which the transport renews its keys, 0 for the cipher's
// default.
func rekeyBytes(v string) uint64 {
	size, _, _ := strings.Cut(v, " ")
	n, _ := strconv.ParseUint(size, 10, 64)
	return n
}

// rekeyInterval is the time part: how long keys may live with no key
// exchange, 0 for no limit (sshcore/rekey).
func rekeyInterval(v string) time.Duration {
	_, secs, _ := strings.Cut(v, " ")
	n, _ := strconv.ParseUint(secs, 10, 32)
	return time.Duration(n) * time.Second
}

// rekeyText is RekeyLimit as -G and -T print it.
func rekeyText(v string) string {
	if v == "" {
		return "0 0"
	}
	return v
}

// RekeyBytes is RekeyLimit's size in bytes (0: the default).
func (o *ServerOptions) RekeyBytes() uint64 { return rekeyBytes(o.RekeyLimit) }

// RekeyBytes is RekeyLimit's size in bytes (0: the default).
func (o *ClientOptions) RekeyBytes() uint64 { return rekeyBytes(o.RekeyLimit) }

// RekeyInterval is RekeyLimit's time part (0: none).
func (o *ServerOptions) RekeyInterval() time.Duration { return rekeyInterval(o.RekeyLimit) }

// RekeyInterval is RekeyLimit's time part (0: none).
func (o *ClientOptions) RekeyInterval() time.Duration { return rekeyInterval(o.RekeyLimit) }

// nRekeyLimit prints "SIZE [TIME]" in bytes and seconds.
func nRekeyLimit(a []string) (string, error) {
	if len(a) > 2 {
		return "", oneArg(a[1:])
	}
	size := "0"
	if !strings.EqualFold(a[0], "default") && a[0] != "none" {
		s := a[0]
		mul := int64(1)
		switch strings.ToUpper(s[len(s)-1:]) {
		case "K":
			mul, s = 1<<10, s[:len(s)-1]
		case "M":
			mul, s = 1<<20, s[:len(s)-1]
		case "G":
			mul, s = 1<<30, s[:len(s)-1]
		}
		n, err := parseInt(s)
		if err != nil {
			return "", fmt.Errorf("invalid RekeyLimit size %q", a[0])
		}
		size = strconv.FormatInt(int64(n)*mul, 10)
	}
	secs := "0"
	if len(a) == 2 && !strings.EqualFold(a[1], "none") && !strings.EqualFold(a[1], "default") {
		t, err := parseTime(a[1])
		if err != nil {
			return "", err
		}
		secs = strconv.Itoa(t)
	}
	return size + " " + secs, nil
}

// nTimeOrNone: a time in seconds, or none.
func nTimeOrNone(a []string) (string, error) {
	if strings.EqualFold(a[0], "none") {
		return "none", nil
	}
	return nTime(a)
}

// nControlPersist: yes, no, or a time printed in seconds.
func nControlPersist(a []string) (string, error) {
	switch strings.ToLower(a[0]) {
	case "yes", "true":
		return "yes", nil
	case "no", "false":
		return "no", nil
	}
	return nTime(a)
}

// nOctalMask prints a umask as OpenSSH's printf("0%o").
func nOctalMask(a []string) (string, error) {
	v, err := parseMask(a[0])
	return maskText(v), err
}

// firstOfEachName keeps, of SetEnv's NAME=VALUE words, the first for each
// name: OpenSSH ignores a repeated name ("Ignoring duplicate env name").
func firstOfEachName(a []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range a {
		name, _, _ := strings.Cut(v, "=")
		if !seen[name] {
			seen[name] = true
			out = append(out, v)
		}
	}
	return out
}

// nChannelTimeout checks ChannelTimeout's "type=interval" pairs (type a
// channel type pattern or "global", interval a time; 0 disables), or
// none. The pairs are kept as written, as sshd -T prints them.
func nChannelTimeout(a []string) ([]string, error) {
	if len(a) == 1 && strings.EqualFold(a[0], "none") {
		return nil, nil
	}
	for _, p := range a {
		typ, interval, ok := strings.Cut(p, "=")
		if !ok || typ == "" {
			return nil, fmt.Errorf("invalid channel timeout %s", p)
		}
		if _, err := parseTime(interval); err != nil {
			return nil, fmt.Errorf("invalid channel timeout %s", p)
		}
	}
	return append([]string(nil), a...), nil
}

// channelTimeoutLine prints ChannelTimeout's pairs on one line, as sshd -T
// and ssh -G do; nothing when none are set.
func channelTimeoutLine(pairs []string) []string {
	if len(pairs) == 0 {
		return nil
	}
	return []string{strings.Join(pairs, " ")}
}

// ChannelIdleTimeout is how long a channel of type typ ("session",
// "direct-tcpip", ... or "global" for all channels taken together) may
// stay idle under sshd's ChannelTimeout; 0 means no limit.
func (o *ServerOptions) ChannelIdleTimeout(typ string) time.Duration {
	return channelIdleTimeout(o.ChannelTimeout, typ)
}

// ChannelIdleTimeout is the same for ssh's ChannelTimeout (ssh_config of
// OpenSSH after 9.2), which knows the same channel types and "global".
func (o *ClientOptions) ChannelIdleTimeout(typ string) time.Duration {
	return channelIdleTimeout(o.ChannelTimeout, typ)
}

// channelIdleTimeout looks typ up in ChannelTimeout's pairs, checked by
// nChannelTimeout. As OpenSSH, the first pair whose pattern matches
// decides, and "global" is never matched by a wildcard.
func channelIdleTimeout(pairs []string, typ string) time.Duration {
	for _, p := range pairs {
		pat, interval, _ := strings.Cut(p, "=")
		if (typ == "global") != (pat == "global") || !MatchPattern(typ, pat) {
			continue
		}
		secs, _ := parseTime(interval)
		return time.Duration(secs) * time.Second
	}
	return 0
}
