package algo

import (
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/compress"
)

// queries are the names `ssh -Q` answers, in OpenSSH's help order.
var queries = []string{
	"cipher", "cipher-auth", "compression", "kex", "key", "key-cert",
	"key-plain", "key-sig", "mac", "protocol-version", "sig",
}

// queryAliases are the configuration keywords OpenSSH's -Q also takes,
// matched without regard to case.
var queryAliases = map[string]string{
	"ciphers":                     "cipher",
	"macs":                        "mac",
	"kexalgorithms":               "kex",
	"hostkeyalgorithms":           "key-sig",
	"pubkeyacceptedalgorithms":    "key-sig",
	"hostbasedacceptedalgorithms": "key-sig",
	"casignaturealgorithms":       "key-sig",
}

// Query answers `ssh -Q what` as OpenSSH does, with only what sshbox can
// use; ok is false for a question OpenSSH does not know either. "key" is
// every key type, certificates included; "key-sig" adds the signature
// algorithms (rsa-sha2-*); "sig" is the signature algorithms without
// certificates; "cipher-auth" the ciphers that authenticate themselves.
func Query(what string) (answer []string, ok bool) {
	if k, alias := queryAliases[strings.ToLower(what)]; alias {
		what = k
	}
	switch what {
	case "help":
		return queries, true
	case "compression":
		return compress.Supported(), true
	case "protocol-version":
		return []string{"2"}, true
	case "cipher-auth":
		var out []string
		for _, c := range Supported(Cipher) {
			if c == ssh.CipherChaCha20Poly1305 || strings.Contains(c, "-gcm@") {
				out = append(out, c)
			}
		}
		return out, true
	case "key", "key-cert":
		var out []string
		for _, e := range table {
			// rsa-sha2-* name signatures, not key types.
			if e.kind == HostKey && !strings.HasPrefix(e.name, "rsa-sha2-") && (what == "key" || IsCert(e.name)) {
				out = append(out, e.name)
			}
		}
		return out, true
	case "key-sig":
		return Supported(HostKey), true
	case "cipher", "mac", "kex", "key-plain", "sig":
		return Supported(Kind(what)), true
	}
	return nil, false
}
