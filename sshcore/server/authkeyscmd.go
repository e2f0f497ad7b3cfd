package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/expand"
)

// AuthorizedKeysCommand and AuthorizedPrincipalsCommand: a program the
// administrator names prints authorized_keys (or principals) lines for a
// login. As in OpenSSH it must be an absolute path that root owns and that
// nobody else can write, in directories likewise; it runs as its
// ...CommandUser (never as root by accident: without a user it is not
// run), with % tokens expanded in its arguments, stdin and stderr on
// /dev/null, and its output counts only when it exits 0.

// maxCommandRun bounds how long sshd waits for such a command when
// LoginGraceTime does not.
const maxCommandRun = 2 * time.Minute

// authCommand is one configured command with what its tokens stand for.
type authCommand struct {
	keyword string // AuthorizedKeysCommand or AuthorizedPrincipalsCommand
	command string
	user    string // its ...CommandUser, %u not yet expanded
	tokens  map[byte]string
}

// configured reports whether a command value is set.
func configured(v string) bool { return v != "" && !strings.EqualFold(v, "none") }

// keyTokens are AuthorizedKeysCommand's tokens for key logging in as acct.
func (c *conn) keyTokens(acct *account, key ssh.PublicKey) map[byte]string {
	t := c.commonTokens(acct)
	// A certificate's fingerprint is its key's, as OpenSSH prints it.
	t['f'] = ssh.FingerprintSHA256(key)
	if cert, ok := key.(*ssh.Certificate); ok {
		t['f'] = ssh.FingerprintSHA256(cert.Key)
	}
	t['k'] = base64.StdEncoding.EncodeToString(key.Marshal())
	t['t'] = key.Type()
	return t
}

// principalTokens are AuthorizedPrincipalsCommand's tokens for cert.
func (c *conn) principalTokens(acct *account, cert *ssh.Certificate) map[byte]string {
	t := c.commonTokens(acct)
	t['F'] = ssh.FingerprintSHA256(cert.SignatureKey)
	t['f'] = ssh.FingerprintSHA256(cert.Key)
	t['i'] = cert.KeyId
	t['K'] = base64.StdEncoding.EncodeToString(cert.SignatureKey.Marshal())
	t['k'] = base64.StdEncoding.EncodeToString(cert.Marshal())
	t['s'] = strconv.FormatUint(cert.Serial, 10)
	t['T'] = cert.SignatureKey.Type()
	t['t'] = cert.Type()
	return t
}

func (c *conn) commonTokens(acct *account) map[byte]string {
	return map[byte]string{
		'%': "%",
		'C': fmt.Sprintf("%s %d %s %d", c.remoteIP, c.remotePort, c.localIP, c.localPort),
		'D': "",
		'h': acct.Home,
		'U': strconv.FormatUint(uint64(acct.UID), 10),
		'u': acct.Name,
	}
}

// expandTokens replaces the % tokens of s; an unknown one is an error, as
// in OpenSSH.
func expandTokens(s string, tokens map[byte]string) (string, error) {
	return expand.Tokens(s, tokens)
}

// splitCommand splits a command line into words as OpenSSH's argv_split
// does: white space separates words, single and double quotes group, a
// backslash takes the next character literally outside single quotes.
func splitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote == 0 && isSpace(ch):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			continue
		case ch == '\\' && quote != '\'' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case ch == '\'' || ch == '"':
			if quote == 0 {
				quote = ch
			} else if quote == ch {
				quote = 0
			} else {
				cur.WriteByte(ch)
			}
		default:
			cur.WriteByte(ch)
		}
		inWord = true
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// isSpace is C's isspace, which OpenSSH's argv_split splits on.
func isSpace(ch byte) bool { return strings.IndexByte(" \t\n\v\f\r", ch) >= 0 }

// securePath is OpenSSH's check on the program: a regular file, owned by
// root and writable by nobody else, in directories owned by root and
// writable by nobody else, up to /.
func securePath(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	owner := func(fi os.FileInfo) uint32 {
		if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
			return sys.Uid
		}
		return ^uint32(0)
	}
	if owner(st) != 0 || st.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("bad ownership or modes for file %s", path)
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if owner(st) != 0 || st.Mode().Perm()&0o022 != 0 {
			return fmt.Errorf("bad ownership or modes for directory %s", dir)
		}
		if dir == "/" {
			return nil
		}
	}
}

// runAuthCommand runs the command for acct and returns its output lines; an error
// means the command gave nothing that counts, and has been logged.
func (c *conn) runAuthCommand(ac authCommand, acct *account, grace time.Duration) ([]string, error) {
	log := c.srv.log()
	fail := func(format string, args ...any) ([]string, error) {
		err := fmt.Errorf(format, args...)
		log.Errorf("%v", err)
		return nil, err
	}
	if !configured(ac.user) {
		return fail("No user for %s specified, skipping", ac.keyword)
	}
	argv, err := splitCommand(ac.command)
	if err != nil || len(argv) == 0 {
		return fail("%s \"%s\": invalid command line", ac.keyword, ac.command)
	}
	if !filepath.IsAbs(argv[0]) {
		return fail("%s \"%s\" contains relative path", ac.keyword, argv[0])
	}
	for i := 1; i < len(argv); i++ {
		if argv[i], err = expandTokens(argv[i], ac.tokens); err != nil {
			return fail("%s: %v", ac.keyword, err)
		}
	}
	if len(argv) == 1 {
		// With no arguments the program is given the user name.
		argv = append(argv, acct.Name)
	}
	if err := securePath(argv[0]); err != nil {
		return fail("Unsafe %s \"%s\": %v", ac.keyword, argv[0], err)
	}
	userName, err := expandTokens(ac.user, map[byte]string{'%': "%", 'u': acct.Name})
	if err != nil {
		return fail("%sUser: %v", ac.keyword, err)
	}
	runAs, err := lookupAccount(c.srv.accounts(), userName)
	if err != nil {
		return fail("%sUser \"%s\" not found: %v", ac.keyword, userName, err)
	}
	if grace <= 0 || grace > maxCommandRun {
		grace = maxCommandRun
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// As the user, in a session of its own so that the whole group can be
	// killed if it outlives the login grace time; stdin and stderr are
	// /dev/null.
	base := childCmd(runAs, argv[0], argv, []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin"})
	cmd := exec.CommandContext(ctx, argv[0])
	cmd.Args, cmd.Env, cmd.SysProcAttr, cmd.Dir = argv, base.Env, base.SysProcAttr, "/"
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	lw := &limitWriter{w: &out, n: maxAuthKeysFile}
	cmd.Stdout = lw
	if err := cmd.Start(); err != nil {
		return fail("%s %s: %v", ac.keyword, argv[0], err)
	}
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.Exited() {
			return fail("%s %s returned status %d", ac.keyword, argv[0], ee.ExitCode())
		}
		return fail("%s %s: %v", ac.keyword, argv[0], err)
	}
	if lw.over {
		return fail("%s %s: output larger than %d bytes", ac.keyword, argv[0], maxAuthKeysFile)
	}
	return strings.Split(out.String(), "\n"), nil
}

// limitWriter keeps the first n bytes and notes whether more came.
type limitWriter struct {
	w    io.Writer
	n    int
	over bool
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		l.over = true
		l.w.Write(p[:l.n])
		l.n = 0
		return len(p), nil
	}
	l.n -= len(p)
	return l.w.Write(p)
}

// keysCommand runs AuthorizedKeysCommand for key (a plain key or a
// certificate) logging in as the admitted user; ok is false when it is
// not configured or gave nothing that counts.
func (c *conn) keysCommand(a *admission, key ssh.PublicKey) ([]string, bool) {
	if !configured(a.opts.AuthorizedKeysCommand) || a.acct == nil || a.why != "" {
		return nil, false
	}
	ac := authCommand{keyword: "AuthorizedKeysCommand", command: a.opts.AuthorizedKeysCommand,
		user: a.opts.AuthorizedKeysCommandUser, tokens: c.keyTokens(a.acct, key)}
	recs, err := c.runAuthCommand(ac, a.acct, a.opts.LoginGraceTime)
	return recs, err == nil
}

// principalsCommand runs AuthorizedPrincipalsCommand for cert and reads
// its output as an AuthorizedPrincipalsFile.
func (c *conn) principalsCommand(a *admission, cert *ssh.Certificate) ([]principalLine, error) {
	ac := authCommand{keyword: "AuthorizedPrincipalsCommand", command: a.opts.AuthorizedPrincipalsCommand,
		user: a.opts.AuthorizedPrincipalsCommandUser, tokens: c.principalTokens(a.acct, cert)}
	recs, err := c.runAuthCommand(ac, a.acct, a.opts.LoginGraceTime)
	if err != nil {
		return nil, err
	}
	return c.parsePrincipals(a.opts.AuthorizedPrincipalsCommand, recs), nil
}

// anyPrincipal reports whether one of cert's principals is in allowed.
func anyPrincipal(cert *ssh.Certificate, allowed []string) bool {
	for _, p := range cert.ValidPrincipals {
		for _, q := range allowed {
			if p == q {
				return true
			}
		}
	}
	return false
}
