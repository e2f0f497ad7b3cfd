// Package expand is OpenSSH's expansion of % tokens (percent_expand) and
// of a leading ~ (tilde_expand), shared by the places that read them in
// paths: sshd's AuthorizedKeysFile and AuthorizedKeysCommand, sftp-server's
// -d and expand-path@openssh.com.
package expand

import (
	"fmt"
	"os/user"
	"strings"
)

// Tokens replaces the %x tokens of s with vals[x]; vals['%'] is usually
// "%". An unknown token, or a % that ends s, is an error, as in OpenSSH.
func Tokens(s string, vals map[byte]string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("%q ends in %%", s)
		}
		i++
		v, ok := vals[s[i]]
		if !ok {
			return "", fmt.Errorf("%q: unknown token %%%c", s, s[i])
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// Tilde expands a leading "~" (home, the caller's own home directory) or
// "~user" (that user's, from the password database) as OpenSSH's
// tilde_expand: the home directory, one slash, and the rest of the path
// without its leading slashes ("~" is "home/"). A path without a leading
// ~ is returned as it is.
func Tilde(path, home string) (string, error) {
	if !strings.HasPrefix(path, "~") {
		return path, nil
	}
	name, rest, _ := strings.Cut(path[1:], "/")
	if name != "" {
		u, err := user.Lookup(name)
		if err != nil {
			return "", fmt.Errorf("No such user %s", name)
		}
		home = u.HomeDir
	}
	if !strings.HasSuffix(home, "/") {
		home += "/"
	}
	return home + strings.TrimLeft(rest, "/"), nil
}
