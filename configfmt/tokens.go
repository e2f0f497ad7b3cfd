package configfmt

import (
	"fmt"
	"os"
	"os/user"
	"strings"
)

// % tokens and ~, expanded where OpenSSH expands them.

// expandTokens replaces %x tokens from vals; %% is a percent sign. An
// unknown token is an error, as in OpenSSH's percent_expand.
func expandTokens(s string, vals map[byte]string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i >= len(s) {
			return "", fmt.Errorf("invalid format %q: ends with %%", s)
		}
		if s[i] == '%' {
			b.WriteByte('%')
			continue
		}
		v, ok := vals[s[i]]
		if !ok {
			return "", fmt.Errorf("unknown key %%%c in %q", s[i], s)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// expandTilde replaces a leading ~ or ~user with the home directory.
func expandTilde(s, home string) (string, error) {
	if !strings.HasPrefix(s, "~") {
		return s, nil
	}
	name, rest, _ := strings.Cut(s[1:], "/")
	dir := home
	if name != "" {
		u, err := user.Lookup(name)
		if err != nil {
			return "", fmt.Errorf("no such user %q for %q", name, s)
		}
		dir = u.HomeDir
	}
	if rest == "" && !strings.Contains(s, "/") {
		return dir, nil
	}
	return strings.TrimSuffix(dir, "/") + "/" + rest, nil
}

// localIdentity is the user running ssh, as OpenSSH's getpwuid sees it.
type localIdentity struct {
	name, home, uid string
	host            string // gethostname: %l
}

func currentLocal() localIdentity {
	l := localIdentity{name: os.Getenv("USER"), home: os.Getenv("HOME"), uid: fmt.Sprint(os.Getuid())}
	if u, err := user.Current(); err == nil {
		l.name, l.home, l.uid = u.Username, u.HomeDir, u.Uid
	}
	l.host, _ = os.Hostname()
	return l
}

// ExpandUserPath expands an sshd per-user path (AuthorizedKeysFile,
// AuthorizedPrincipalsFile, ChrootDirectory...) for one user: %% %h %u %U
// and ~, and a relative result is taken from the home directory, as sshd
// does for AuthorizedKeysFile.
func ExpandUserPath(pattern, userName, home, uid string) (string, error) {
	s, err := expandTokens(pattern, map[byte]string{'h': home, 'u': userName, 'U': uid})
	if err != nil {
		return "", err
	}
	if s, err = expandTilde(s, home); err != nil {
		return "", err
	}
	if !strings.HasPrefix(s, "/") {
		s = strings.TrimSuffix(home, "/") + "/" + s
	}
	return s, nil
}
