package configfmt

import "strings"

// ssh -G and sshd -T print algorithm lists the way OpenSSH resolves them
// against OpenSSH's own defaults, so that their output can be compared with
// OpenSSH's for the same file. What sshbox actually offers is decided by
// sshcore/algo from the list as written; `ssh -Q` shows that table.

// OpenSSH 9.2's default lists, constants so that the keyword tables that
// print them stay static data.
const (
	opensshCiphers  = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"
	opensshMACs     = "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"
	opensshKex      = "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
	opensshKeyAlgos = "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
	opensshSigAlgos = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
)

// defaultOpenSSHAlgos is OpenSSH's default list of kind ("cipher", "mac",
// "kex", "key", "sig").
func defaultOpenSSHAlgos(kind string) string {
	switch kind {
	case "cipher":
		return opensshCiphers
	case "mac":
		return opensshMACs
	case "kex":
		return opensshKex
	case "key":
		return opensshKeyAlgos
	case "sig":
		return opensshSigAlgos
	}
	return ""
}

// opensshAlgoText resolves "+x", "-x*", "^x" against OpenSSH's default
// list for kind; a plain list, or "" (the default), prints as such.
func opensshAlgoText(kind, spec string) string {
	def := defaultOpenSSHAlgos(kind)
	if spec == "" {
		return def
	}
	base := strings.Split(def, ",")
	switch spec[0] {
	case '+':
		out := base
		for _, a := range strings.Split(spec[1:], ",") {
			if !containsStr(out, a) {
				out = append(out, a)
			}
		}
		return strings.Join(out, ",")
	case '-':
		var out []string
		for _, b := range base {
			if MatchList(b, spec[1:], false) != 1 {
				out = append(out, b)
			}
		}
		return strings.Join(out, ",")
	case '^':
		out := strings.Split(spec[1:], ",")
		for _, b := range base {
			if !containsStr(out, b) {
				out = append(out, b)
			}
		}
		return strings.Join(out, ",")
	}
	return spec
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
