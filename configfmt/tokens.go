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
	return expand(s, vals, false)
}

// expand is OpenSSH's vdollar_percent_expand: %x tokens from vals and,
// with env, ${NAME} from the environment, in one pass, so that a value
// brought in by one is never expanded again by the other. An unknown token
// or an unset variable is an error. A bare $NAME is left alone: OpenSSH
// reads it only where a keyword names a variable (IdentityAgent $SOCK).
// With vals nil, % is left alone: OpenSSH's dollar_expand.
func expand(s string, vals map[byte]string, env bool) (string, error) {
	if !strings.Contains(s, "%") && !(env && strings.Contains(s, "${")) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if env && strings.HasPrefix(s[i:], "${") {
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("environment variable %q missing closing '}'", s[i:])
			}
			name := s[i+2 : i+2+end]
			if name == "" {
				return "", fmt.Errorf("zero-length environment variable in %q", s)
			}
			v, ok := os.LookupEnv(name)
			if !ok {
				return "", fmt.Errorf("env var ${%s} has no value", name)
			}
			b.WriteString(v)
			i += 2 + end
			continue
		}
		if s[i] != '%' || vals == nil {
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

// validEnvName is OpenSSH's valid_env_name: the legacy "$NAME" form of
// IdentityAgent and ForwardAgent.
func validEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// EnvSocket resolves an agent socket written as OpenSSH's legacy "$NAME"
// (IdentityAgent, ForwardAgent): the variable's value, "" when unset;
// any other value is the path itself.
func EnvSocket(v string) string {
	if strings.HasPrefix(v, "$") && !strings.HasPrefix(v, "${") {
		return os.Getenv(v[1:])
	}
	return v
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

// SplitArgs splits a command line stored from ssh_config (KnownHostsCommand)
// into words as OpenSSH's argv_split does: blanks separate, quotes group.
func SplitArgs(s string) ([]string, error) { return splitArgs(s) }
