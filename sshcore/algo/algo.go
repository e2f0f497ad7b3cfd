// Package algo is sshbox's one algorithm table, shared by client and server:
// what the transport supports, what it offers by default, how an OpenSSH-style
// list ("+x", "-x*", "^x", "a,b") is resolved against it, and what `ssh -Q`
// prints.
//
// The defaults follow design.md §8: strict KEX (x/crypto always offers it), no
// SHA-1, no CBC, no small DH groups, no NIST curves in key exchange (ssh-audit
// fails them), while OpenSSH 7.4+, Dropbear 2020+ and PuTTY 0.78 still find a
// common algorithm in every category.
package algo

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Kind names one category of algorithms, as `ssh -Q` spells it.
type Kind string

const (
	Cipher   Kind = "cipher"
	MAC      Kind = "mac"
	KEX      Kind = "kex"
	HostKey  Kind = "key"       // host key and signature algorithms, certificates included
	KeyPlain Kind = "key-plain" // key types without certificates
	Sig      Kind = "sig"       // signature algorithms
)

// entry is one row of the table.
type entry struct {
	name     string
	kind     Kind
	deflt    bool // offered unless the configuration says otherwise
	insecure bool // supported only when asked for by name
}

var table = []entry{
	// Key exchange, in preference order.
	{ssh.KeyExchangeMLKEM768X25519, KEX, true, false},
	{ssh.KeyExchangeCurve25519, KEX, true, false},
	{"curve25519-sha256@libssh.org", KEX, true, false},
	{ssh.KeyExchangeDH16SHA512, KEX, true, false},
	{ssh.KeyExchangeDH14SHA256, KEX, false, false},
	{ssh.KeyExchangeECDHP256, KEX, false, false},
	{ssh.KeyExchangeECDHP384, KEX, false, false},
	{ssh.KeyExchangeECDHP521, KEX, false, false},
	{ssh.KeyExchangeDHGEXSHA256, KEX, false, false},
	{ssh.InsecureKeyExchangeDH14SHA1, KEX, false, true},
	{ssh.InsecureKeyExchangeDH1SHA1, KEX, false, true},

	// Ciphers.
	{ssh.CipherChaCha20Poly1305, Cipher, true, false},
	{ssh.CipherAES256GCM, Cipher, true, false},
	{ssh.CipherAES128GCM, Cipher, true, false},
	{ssh.CipherAES256CTR, Cipher, true, false},
	{ssh.CipherAES192CTR, Cipher, true, false},
	{ssh.CipherAES128CTR, Cipher, true, false},
	{ssh.InsecureCipherAES128CBC, Cipher, false, true},
	{ssh.InsecureCipherTripleDESCBC, Cipher, false, true},

	// MACs: only encrypt-then-MAC by default; the AEAD ciphers need none.
	// UMAC where x/crypto has it (umacRows).
	{ssh.HMACSHA256ETM, MAC, true, false},
	{ssh.HMACSHA512ETM, MAC, true, false},
	{ssh.HMACSHA256, MAC, false, false},
	{ssh.HMACSHA512, MAC, false, false},
	{ssh.HMACSHA1, MAC, false, true},
	{ssh.InsecureHMACSHA196, MAC, false, true},

	// Host key / signature algorithms.
	{ssh.CertAlgoED25519v01, HostKey, true, false},
	{ssh.CertAlgoRSASHA512v01, HostKey, true, false},
	{ssh.CertAlgoRSASHA256v01, HostKey, true, false},
	{ssh.KeyAlgoED25519, HostKey, true, false},
	{ssh.KeyAlgoRSASHA512, HostKey, true, false},
	{ssh.KeyAlgoRSASHA256, HostKey, true, false},
	{ssh.CertAlgoECDSA256v01, HostKey, true, false},
	{ssh.CertAlgoECDSA384v01, HostKey, true, false},
	{ssh.CertAlgoECDSA521v01, HostKey, true, false},
	{ssh.KeyAlgoECDSA256, HostKey, true, false},
	{ssh.KeyAlgoECDSA384, HostKey, true, false},
	{ssh.KeyAlgoECDSA521, HostKey, true, false},
	{ssh.KeyAlgoSKED25519, HostKey, true, false},
	{ssh.KeyAlgoSKECDSA256, HostKey, true, false},
	{ssh.CertAlgoRSAv01, HostKey, false, true},
	{ssh.KeyAlgoRSA, HostKey, false, true},
}

// umacRows are OpenSSH's UMAC MACs, which x/crypto has only as sshbox
// builds it (_xcrypto/ssh/umac_sshbox.go, through scripts/xcrypto); a
// plain go build leaves them out, and a configuration naming them has
// them dropped as OpenSSH's alone. umac-128-etm@openssh.com comes first
// by default: twice HMAC-SHA2-256's speed (four times for umac-64), with
// a 128-bit tag; umac-64-etm@openssh.com, OpenSSH's first, is offered
// only when asked for, since its 64-bit tag is what ssh-audit warns of.
var umacRows = []entry{
	{"umac-128-etm@openssh.com", MAC, true, false},
	{"umac-64-etm@openssh.com", MAC, false, false},
	{"umac-128@openssh.com", MAC, false, false},
	{"umac-64@openssh.com", MAC, false, false},
}

func init() {
	if !slices.Contains(ssh.SupportedAlgorithms().MACs, umacRows[0].name) {
		return
	}
	at := slices.IndexFunc(table, func(e entry) bool { return e.name == ssh.HMACSHA256ETM })
	table = slices.Insert(table, at, umacRows[0])
	at = slices.IndexFunc(table, func(e entry) bool { return e.name == ssh.HMACSHA512ETM }) + 1
	table = slices.Insert(table, at, umacRows[1])
	at = slices.IndexFunc(table, func(e entry) bool { return e.name == ssh.HMACSHA512 }) + 1
	table = slices.Insert(table, at, umacRows[2:]...)
}

// Supported lists every algorithm of kind k that sshbox can use, insecure
// ones included, in table order. It is what `ssh -Q k` prints.
func Supported(k Kind) []string {
	switch k {
	case KeyPlain:
		var out []string
		for _, e := range table {
			if e.kind == HostKey && !strings.Contains(e.name, "-cert-") && !isSigOnly(e.name) {
				out = append(out, e.name)
			}
		}
		return append(out, ssh.KeyAlgoRSA)
	case Sig:
		var out []string
		for _, e := range table {
			if e.kind == HostKey && !strings.Contains(e.name, "-cert-") {
				out = append(out, e.name)
			}
		}
		return out
	}
	var out []string
	for _, e := range table {
		if e.kind == k {
			out = append(out, e.name)
		}
	}
	return out
}

// isSigOnly reports names that are signature algorithms but not key types.
func isSigOnly(name string) bool {
	return name == ssh.KeyAlgoRSASHA256 || name == ssh.KeyAlgoRSASHA512 || name == ssh.KeyAlgoRSA
}

// Default lists what sshbox offers for kind k when the configuration is
// silent. Ciphers come in the order that is fastest on this CPU (see
// cipherOrder); the other kinds in table order.
func Default(k Kind) []string {
	var out []string
	for _, e := range table {
		if e.kind == k && e.deflt {
			out = append(out, e.name)
		}
	}
	if k == Cipher {
		return cipherOrder(out, aesHardware)
	}
	return out
}

// Resolve turns an OpenSSH algorithm list into the list to offer. An empty
// spec gives the defaults. "+a,b" appends to the defaults, "-a,b" removes from
// them, "^a,b" puts them first; otherwise the list replaces the defaults.
// Entries may be wildcard patterns (with * and ?). An entry that matches no
// supported algorithm is an error naming it.
//
// The results are remembered: sshd resolves the same few lists at every
// login, and working them out again made a dozen small allocations each.
// Every call gets its own copy.
func Resolve(k Kind, spec string) ([]string, error) {
	key := resolveKey{k, spec}
	resolved.mu.Lock()
	l, ok := resolved.lists[key]
	resolved.mu.Unlock()
	if !ok {
		var err error
		if l, err = resolve(k, spec); err != nil {
			return nil, err
		}
		resolved.mu.Lock()
		if len(resolved.lists) >= maxResolved {
			// Lists come from configuration lines; a reload may bring new
			// ones, never without end, but the memo stays bounded anyway.
			clear(resolved.lists)
		}
		resolved.lists[key] = l
		resolved.mu.Unlock()
	}
	return slices.Clone(l), nil
}

type resolveKey struct {
	kind Kind
	spec string
}

const maxResolved = 64

var resolved = struct {
	mu    sync.Mutex
	lists map[resolveKey][]string
}{lists: map[resolveKey][]string{}}

func resolve(k Kind, spec string) ([]string, error) {
	spec = strings.TrimSpace(spec)
	defaults := Default(k)
	if spec == "" {
		return defaults, nil
	}
	op := spec[0]
	if op == '+' || op == '-' || op == '^' {
		spec = spec[1:]
	} else {
		op = 0
	}
	if op == '-' {
		// OpenSSH's match_filter_denylist: a default goes when the list
		// matches it, "!pattern" keeping what it matches.
		var out []string
		for _, d := range defaults {
			if matchPatternList(d, spec) != 1 {
				out = append(out, d)
			}
		}
		return out, nil
	}
	var named []string
	for _, pat := range strings.Split(spec, ",") {
		pat = strings.TrimSpace(pat)
		if pat == "" {
			continue
		}
		if strings.HasPrefix(pat, "!") {
			// A negation means nothing in a list of algorithms to use;
			// OpenSSH drops it silently, sshbox says so.
			return nil, fmt.Errorf("negated %s algorithm %q is only meaningful after -", k, pat)
		}
		matched := false
		for _, name := range Supported(k) {
			if wildcard(pat, name) {
				named = appendUnique(named, name)
				matched = true
			}
		}
		if !matched && !opensshKnows(k, pat) {
			return nil, fmt.Errorf("unsupported %s algorithm %q", k, pat)
		}
	}
	if op == 0 && len(named) == 0 {
		return nil, fmt.Errorf("no %s algorithm sshbox has in %q", k, spec)
	}
	switch op {
	case '+':
		out := append([]string(nil), defaults...)
		for _, n := range named {
			out = appendUnique(out, n)
		}
		return out, nil
	case '^':
		out := append([]string(nil), named...)
		for _, d := range defaults {
			out = appendUnique(out, d)
		}
		return out, nil
	}
	return named, nil
}

func appendUnique(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// wildcard is OpenSSH's match_pattern: '*' and '?' are the only special
// characters (path.Match would also give '[', ']' and '\\' a meaning
// OpenSSH does not).
func wildcard(pat, s string) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			for len(pat) > 0 && pat[0] == '*' {
				pat = pat[1:]
			}
			if pat == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if wildcard(pat, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pat[0] {
				return false
			}
		}
		pat, s = pat[1:], s[1:]
	}
	return s == ""
}

// matchPatternList is OpenSSH's match_pattern_list: 1 when a pattern
// matches name, -1 when a negated one does (which wins), else 0.
func matchPatternList(name, list string) int {
	got := 0
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if p == "" || !wildcard(p, name) {
			continue
		}
		if neg {
			return -1
		}
		got = 1
	}
	return got
}

// IsCert reports whether name is a certificate algorithm.
func IsCert(name string) bool { return strings.Contains(name, "-cert-v01@openssh.com") }

// Underlying is the signature algorithm under a certificate algorithm
// (rsa-sha2-512-cert-v01@openssh.com signs with rsa-sha2-512); a plain
// algorithm is its own.
func Underlying(name string) string {
	base, ok := strings.CutSuffix(name, "-cert-v01@openssh.com")
	if !ok {
		return name
	}
	if strings.HasPrefix(base, "sk-") {
		return base + "@openssh.com"
	}
	return base
}

// opensshOnly are the names OpenSSH (9.2 to 10) takes in a list of each
// kind that sshbox does not have. A configuration written for OpenSSH may
// name them (hardening guides list umac-128-etm@openssh.com and
// sntrup761x25519-sha512@openssh.com): Resolve leaves them out of what is
// offered, which offers no more than the list allows, and Dropped names
// them for a warning. Debian's GSSAPI key exchanges ("gss-...") count too.
// A name neither knows is an error, as in OpenSSH.
var opensshOnly = map[Kind][]string{
	Cipher: {"aes192-cbc", "aes256-cbc", "rijndael-cbc@lysator.liu.se"},
	MAC: {"hmac-md5", "hmac-md5-96", "hmac-md5-etm@openssh.com", "hmac-md5-96-etm@openssh.com",
		"hmac-sha1-etm@openssh.com", "hmac-sha1-96-etm@openssh.com",
		"umac-64@openssh.com", "umac-128@openssh.com", "umac-64-etm@openssh.com", "umac-128-etm@openssh.com"},
	KEX: {"diffie-hellman-group-exchange-sha1", "diffie-hellman-group18-sha512",
		"sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"},
	HostKey: {"ssh-dss", "ssh-dss-cert-v01@openssh.com", "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
		"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com"},
	Sig: {"ssh-dss", "webauthn-sk-ecdsa-sha2-nistp256@openssh.com"},
}

func opensshKnows(k Kind, pat string) bool {
	if k == KEX && strings.HasPrefix(pat, "gss-") {
		return true
	}
	for _, name := range opensshOnly[k] {
		if wildcard(pat, name) {
			return true
		}
	}
	return false
}

// Check is what ssh checks when it reads a list: every name is one sshbox
// or OpenSSH has (a list of OpenSSH's alone fails later, when Resolve
// finds nothing to offer).
func Check(k Kind, spec string) error {
	if _, unknown := missing(k, spec); unknown != "" {
		return fmt.Errorf("unsupported %s algorithm %q", k, unknown)
	}
	return nil
}

// Dropped lists the entries of spec (not a "-" list) that name only
// algorithms OpenSSH has and sshbox does not, which Resolve leaves out.
func Dropped(k Kind, spec string) []string {
	dropped, _ := missing(k, spec)
	return dropped
}

// missing sorts the entries of spec (not a "-" list) that match nothing
// sshbox has: those OpenSSH has, and the first that no one has.
func missing(k Kind, spec string) (opensshOnly []string, unknown string) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec[0] == '-' {
		return nil, ""
	}
	have := Supported(k)
	for _, pat := range strings.Split(strings.TrimLeft(spec, "+^"), ",") {
		pat = strings.TrimSpace(pat)
		if pat == "" || strings.HasPrefix(pat, "!") ||
			slices.ContainsFunc(have, func(name string) bool { return wildcard(pat, name) }) {
			continue
		}
		if !opensshKnows(k, pat) {
			return opensshOnly, pat
		}
		opensshOnly = append(opensshOnly, pat)
	}
	return opensshOnly, ""
}
