package transfer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Copier carries out one scp command line: it resolves each operand (local,
// remote, or remote on another host), connects once per host and copies
// over SFTP or, with Legacy, the old scp protocol.
type Copier struct {
	// Dial connects to a location's host; it shows the user why it
	// failed.
	Dial func(Location) (Conn, error)
	Set  Settings

	Recursive bool // -r
	Preserve  bool // -p
	Quiet     bool // -q
	Legacy    bool // -O
	Through   bool // -3
	Direct    bool // -R: remote to remote by running scp on the source
	TargetDir bool // -d for the remote scp -t
	// Warn shows one failure (without the "scp: " the applet adds), as
	// OpenSSH's scp does with error(): through log.c's escaping.
	Warn func(msg string)
	// Show writes the old protocol's texts (see SCP.Show).
	Show func(text string)
	// Errs counts the failures; scp's exit status is 1 if any.
	Errs int
	// Fatal says a connection for SFTP could not be made: scp exits 255
	// then, as OpenSSH's does.
	Fatal bool

	conns map[string]Conn
	pools map[string]*Pool
	// halted: nothing more is tried (a fatal error, or the old
	// protocol's lost connection, which ends OpenSSH's scp with status 1).
	halted bool
}

// warn reports one failed file or operand and counts it.
func (c *Copier) warn(format string, args ...any) {
	c.Errs++
	c.Warn(fmt.Sprintf(format, args...))
}

// Run copies every source to the target (the last operand).
func (c *Copier) Run(operands []string) {
	if c.conns == nil {
		c.conns, c.pools = map[string]Conn{}, map[string]*Pool{}
	}
	target := operands[len(operands)-1]
	tl, err := ParseLocation(target, "scp")
	if err != nil {
		c.warn(msgBadOperand, target, err)
		return
	}
	// As OpenSSH's verifydir: several sources, or -d, need the local
	// target to be a directory already, before anything is copied.
	if !tl.Remote && (len(operands) > 2 || c.TargetDir) {
		if st, err := os.Stat(target); err != nil || !st.IsDir() {
			reason := "Not a directory"
			if err != nil {
				reason = Reason(err)
			}
			c.Errs++
			c.Show(fmt.Sprintf(msgVerifyDir, target, reason))
			return
		}
	}
	var local []string
	for _, src := range operands[:len(operands)-1] {
		if c.Fatal || c.halted {
			return
		}
		sl, err := ParseLocation(src, "scp")
		switch {
		case err != nil:
			c.warn(msgBadOperand, src, err)
		case !tl.Remote && !sl.Remote:
			c.localCopy(src, target)
		case !tl.Remote:
			c.fromRemote(sl, target)
		case !sl.Remote:
			local = append(local, src)
		default:
			c.remoteToRemote(sl, tl, target)
		}
	}
	if len(local) > 0 && !c.Fatal && !c.halted {
		c.toRemote(local, tl, len(operands) > 2)
	}
}

func key(l Location) string { return l.User + "@" + l.Host + ":" + strconv.Itoa(l.Port) }

// conn returns the (cached) connection for a location; Dial has shown
// why when it fails.
func (c *Copier) conn(l Location) (Conn, error) {
	if cn, ok := c.conns[key(l)]; ok {
		return cn, nil
	}
	cn, err := c.Dial(l)
	if err != nil {
		c.Errs++
		if c.Legacy {
			c.Show(msgLostConn)
			c.halted = true
		} else {
			c.Warn(msgConnClosed)
			c.Fatal = true
		}
		return nil, err
	}
	c.conns[key(l)] = cn
	return cn, nil
}

// pool returns the (cached) sftp sessions for a location.
func (c *Copier) pool(l Location) (*Pool, error) {
	if p, ok := c.pools[key(l)]; ok {
		return p, nil
	}
	cn, err := c.conn(l)
	if err != nil {
		return nil, err
	}
	p, err := NewPool(cn, c.Set)
	if err != nil {
		c.warn("%s", msgConnClosed)
		return nil, err
	}
	c.pools[key(l)] = p
	return p, nil
}

// Close ends every session and connection.
func (c *Copier) Close() {
	for _, p := range c.pools {
		p.Close()
	}
	for _, cn := range c.conns {
		cn.Close()
	}
}

// remotePath is the path to ask an sftp server for, as OpenSSH's scp
// prepares it: "~" and "~/" are the login directory, which is where the
// server starts, so relative paths need nothing more; "~user" paths are
// the server's to expand (expand-path@openssh.com). False after saying
// why not.
func (c *Copier) remotePath(pool *Pool, p string) (string, bool) {
	switch {
	case p == "" || p == "~":
		return ".", true
	case strings.HasPrefix(p, "~/"):
		if p = strings.TrimLeft(p[2:], "/"); p == "" {
			return ".", true
		}
		return p, true
	case strings.HasPrefix(p, "~"):
		x, err := pool.ExpandPath(p)
		if err != nil {
			c.warn("%v", err)
			return "", false
		}
		return x, true
	}
	return p, true
}

// legacyCommand is the remote scp command line of the old protocol.
func (c *Copier) legacyCommand(mode, p string) string {
	cmd := "scp"
	if c.Recursive {
		cmd += " -r"
	}
	if c.Preserve {
		cmd += " -p"
	}
	if mode == "-t" && c.TargetDir {
		cmd += " -d"
	}
	cmd += " " + mode + " "
	if p == "" {
		p = "."
	}
	if strings.HasPrefix(p, "-") {
		cmd += "-- "
	}
	return cmd + p
}

func (c *Copier) scpSide(r *Remote) *SCP {
	return &SCP{In: bufio.NewReader(r.Stdout), Out: r.Stdin, Recursive: c.Recursive,
		Preserve: c.Preserve, Set: c.Set, Show: c.Show}
}

// finishLegacy closes our side, waits for the remote scp and counts its
// failures; those it reported were shown already.
func (c *Copier) finishLegacy(r *Remote, s *SCP, err error) {
	r.Stdin.Close()
	status := r.Wait()
	c.Errs += s.Errs
	switch {
	case s.Errs > 0:
	case err != nil:
		c.warn("%v", err)
	case status != 0:
		c.Errs++
	}
}

// toRemote copies local files to one remote target.
func (c *Copier) toRemote(srcs []string, tl Location, many bool) {
	if c.Legacy {
		cn, err := c.conn(tl)
		if err != nil {
			return
		}
		if many {
			c.TargetDir = true
		}
		r, err := cn.Exec(c.legacyCommand("-t", tl.Path))
		if err != nil {
			c.warn("%v", err)
			return
		}
		s := c.scpSide(r)
		err = s.Send(srcs)
		c.finishLegacy(r, s, err)
		return
	}
	p, err := c.pool(tl)
	if err != nil {
		return
	}
	dst, ok := c.remotePath(p, tl.Path)
	if !ok {
		return
	}
	st, err := p.Main.Stat(dst)
	dstDir := err == nil && st.IsDir()
	put := func(s, d string) error {
		if err := p.Put(s, d, filepath.Base(s)); err != nil && !errors.Is(err, ErrResumeNotNeeded) {
			c.warn("%v", err)
		}
		return nil
	}
	for _, src := range srcs {
		info, err := os.Stat(src)
		if err != nil {
			// OpenSSH's fatal(): the sources after it are not tried.
			c.warn(msgStatLocal, src, Reason(err))
			c.Fatal = true
			return
		}
		if (many || c.TargetDir) && !dstDir {
			// As OpenSSH's scp: the target of several files (or of
			// -d) is made a directory, with the first source's mode
			// and room to write; if it cannot be, nothing more is
			// copied.
			if err := p.MkdirMode(dst, uint32(info.Mode().Perm())|0o700); err != nil {
				c.warn(msgRemoteMkdir, dst, Reason(err))
				c.Fatal = true
				return
			}
			dstDir = true
		}
		d := dst
		if dstDir {
			d = pathAppend(dst, filepath.Base(src))
		}
		switch {
		case info.IsDir() && !c.Recursive:
			c.warn(msgLocalNotRegular, src)
			c.Warn(fmt.Sprintf(msgUploadFailed, "file", src, dst))
		case info.IsDir():
			// upload_dir: the target by its real path first.
			rp, err := p.Main.RealPath(d)
			if err != nil {
				c.Warn(fmt.Sprintf(msgRealpath, d, StatusMessage(err)))
				c.warn(msgCanonUpload, d)
				c.Warn(fmt.Sprintf(msgUploadFailed, "directory", src, dst))
				continue
			}
			if err := p.PutTree(src, rp, put); err != nil {
				c.warn("%v", err)
				c.Warn(fmt.Sprintf(msgUploadFailed, "directory", src, dst))
			}
		default:
			if err := p.Put(src, d, filepath.Base(src)); err != nil {
				c.warn("%v", err)
				c.Warn(fmt.Sprintf(msgUploadFailed, "file", src, dst))
			}
		}
	}
}

// pathAppend is OpenSSH's path_append: one slash between, none added
// after a path that ends in one.
func pathAppend(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// fromRemote copies one remote source (a glob) to a local target.
func (c *Copier) fromRemote(sl Location, target string) {
	st, err := os.Stat(target)
	tdir := err == nil && st.IsDir()
	if c.Legacy {
		cn, err := c.conn(sl)
		if err != nil {
			return
		}
		r, err := cn.Exec(c.legacyCommand("-f", sl.Path))
		if err != nil {
			c.warn("%v", err)
			return
		}
		s := c.scpSide(r)
		err = s.Receive(target)
		c.finishLegacy(r, s, err)
		return
	}
	p, err := c.pool(sl)
	if err != nil {
		return
	}
	src, ok := c.remotePath(p, sl.Path)
	if !ok {
		return
	}
	matches := []string{src}
	if strings.ContainsAny(src, "*?[") {
		matches, err = p.Main.Glob(src)
		if err != nil || len(matches) == 0 {
			c.warn(msgNoMatch, sl.Path)
			return
		}
	}
	if len(matches) > 1 && !tdir {
		// As OpenSSH's scp: a directory is made for the matches where
		// there is nothing, and anything else in the way is refused.
		if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
			c.warn(msgMultipleMatch, target)
			return
		}
		if err := os.Mkdir(target, 0o777); err != nil {
			c.warn(msgMkdirLocal, target, Reason(err))
			return
		}
		tdir = true
	}
	get := func(s, d string) error {
		if err := p.Get(s, d, path.Base(s)); err != nil && !errors.Is(err, ErrResumeNotNeeded) {
			c.warn("%v", err)
		}
		return nil
	}
	for _, m := range matches {
		info, err := p.Main.Stat(m)
		if err != nil {
			c.warn("%s: %s", m, Reason(err))
			continue
		}
		d := target
		if tdir {
			d = filepath.Join(target, path.Base(m))
		}
		switch {
		case info.IsDir() && !c.Recursive:
			// OpenSSH's glob marks the directory with a slash, and
			// its download refuses it.
			c.warn(msgDownloadDir, strings.TrimSuffix(m, "/")+"/")
		case info.IsDir():
			if err := p.GetTree(m, d, get); err != nil {
				c.warn("%v", err)
			}
		default:
			get(m, d)
		}
	}
}

// localCopy is scp between two local paths, which OpenSSH hands to cp.
func (c *Copier) localCopy(src, dst string) {
	args := []string{}
	if c.Recursive {
		args = append(args, "-r")
	}
	if c.Preserve {
		args = append(args, "-p")
	}
	cmd := exec.Command("cp", append(args, "--", src, dst)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		c.Errs++
	}
}

// remoteToRemote copies between two hosts: through this host (-3, the
// default as in OpenSSH 8.7 and later), or with -R by running scp on the
// source host.
func (c *Copier) remoteToRemote(sl, tl Location, target string) {
	if c.Direct && !c.Through {
		cn, err := c.conn(sl)
		if err != nil {
			return
		}
		cmd := "scp"
		for _, f := range []struct {
			on bool
			s  string
		}{{c.Recursive, " -r"}, {c.Preserve, " -p"}, {c.Legacy, " -O"}, {c.Quiet, " -q"}} {
			if f.on {
				cmd += f.s
			}
		}
		r, err := cn.Exec(cmd + " -- " + shellQuote(sl.Path) + " " + shellQuote(target))
		if err != nil {
			c.warn("%v", err)
			return
		}
		r.Stdin.Close()
		io.Copy(os.Stdout, r.Stdout)
		if r.Wait() != 0 {
			c.Errs++
		}
		return
	}
	src, err := c.conn(sl)
	if err != nil {
		return
	}
	dst, err := c.conn(tl)
	if err != nil {
		return
	}
	if c.Legacy {
		c.relayLegacy(src, dst, sl.Path, tl.Path)
		return
	}
	sp, err := c.pool(sl)
	if err != nil {
		return
	}
	dp, err := c.pool(tl)
	if err != nil {
		return
	}
	from, ok := c.remotePath(sp, sl.Path)
	if !ok {
		return
	}
	to, ok := c.remotePath(dp, tl.Path)
	if !ok {
		return
	}
	if err := Relay(sp, from, dp, to, c.Recursive, func(err error) { c.warn("%v", err) }); err != nil {
		c.warn("%v", err)
	}
}

// relayLegacy is -3 -O: the source host's `scp -f` talks to the target
// host's `scp -t` through us.
func (c *Copier) relayLegacy(src, dst Conn, from, to string) {
	rs, err := src.Exec(c.legacyCommand("-f", from))
	if err != nil {
		c.warn("%v", err)
		return
	}
	rd, err := dst.Exec(c.legacyCommand("-t", to))
	if err != nil {
		rs.Stdin.Close()
		rs.Wait()
		c.warn("%v", err)
		return
	}
	go func() { io.Copy(rs.Stdin, rd.Stdout); rs.Stdin.Close() }()
	io.Copy(rd.Stdin, rs.Stdout)
	rd.Stdin.Close()
	if rd.Wait() != 0 {
		c.Errs++
	}
	if rs.Wait() != 0 {
		c.Errs++
	}
}

// shellQuote quotes a word for the remote shell.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>()*?[]{}~#!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
