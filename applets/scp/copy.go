package scp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"sshbox/applets/xferconn"
	"sshbox/sshcore/transfer"
)

// run copies every source to the target (the last operand).
func (inv *invocation) run(operands []string) {
	target := operands[len(operands)-1]
	tl, err := transfer.ParseLocation(target, "scp")
	if err != nil {
		inv.warn(msgBadOperand, target, err)
		return
	}
	var local []string
	for _, src := range operands[:len(operands)-1] {
		sl, err := transfer.ParseLocation(src, "scp")
		switch {
		case err != nil:
			inv.warn(msgBadOperand, src, err)
		case !tl.Remote && !sl.Remote:
			inv.localCopy(src, target)
		case !tl.Remote:
			inv.fromRemote(sl, target)
		case !sl.Remote:
			local = append(local, src)
		default:
			inv.remoteToRemote(sl, tl, target)
		}
	}
	if len(local) > 0 {
		inv.toRemote(local, tl, len(operands) > 2)
	}
}

func key(l transfer.Location) string { return l.User + "@" + l.Host + ":" + strconv.Itoa(l.Port) }

// conn returns the (cached) connection for a location.
func (inv *invocation) conn(l transfer.Location) (transfer.Conn, error) {
	if c, ok := inv.conns[key(l)]; ok {
		return c, nil
	}
	f := inv.flags
	if inv.sftpServer != "" && !inv.legacy {
		return &transfer.ProgramConn{Program: "/bin/sh", Args: []string{"-c", inv.sftpServer}, Direct: true}, nil
	}
	c, err := xferconn.Open(f, l.User, l.Host, l.Port)
	if err != nil {
		if !xferconn.IsConnect(err) {
			inv.warn("%v", err)
		} else {
			inv.errs++
		}
		return nil, err
	}
	inv.conns[key(l)] = c
	return c, nil
}

// pool returns the (cached) sftp sessions for a location.
func (inv *invocation) pool(l transfer.Location) (*transfer.Pool, error) {
	if p, ok := inv.pools[key(l)]; ok {
		return p, nil
	}
	c, err := inv.conn(l)
	if err != nil {
		return nil, err
	}
	p, err := transfer.NewPool(c, inv.set)
	if err != nil {
		inv.warn("%s", msgConnClosed)
		return nil, err
	}
	inv.pools[key(l)] = p
	return p, nil
}

func (inv *invocation) closeAll() {
	for _, p := range inv.pools {
		p.Close()
	}
	for _, c := range inv.conns {
		c.Close()
	}
}

// remotePath is the path to ask an sftp server for: relative paths are
// the login directory, which is where the server starts.
func remotePath(p string) string {
	switch {
	case p == "" || p == "~":
		return "."
	case strings.HasPrefix(p, "~/"):
		return strings.TrimPrefix(p, "~/")
	}
	return p
}

// legacyCommand is the remote scp command line of the old protocol.
func (inv *invocation) legacyCommand(mode, p string) string {
	cmd := "scp"
	if inv.recursive {
		cmd += " -r"
	}
	if inv.preserve {
		cmd += " -p"
	}
	if mode == "-t" && inv.toDir {
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

func (inv *invocation) scpSide(r *transfer.Remote) *transfer.SCP {
	return &transfer.SCP{In: bufio.NewReader(r.Stdout), Out: r.Stdin, Recursive: inv.recursive,
		Preserve: inv.preserve, Set: inv.set, Warn: func(msg string) { fmt.Fprintf(os.Stderr, "scp: %s\n", msg) }}
}

// finishLegacy closes our side, waits for the remote scp and counts its
// failures; those it reported were shown already.
func (inv *invocation) finishLegacy(r *transfer.Remote, s *transfer.SCP, err error) {
	r.Stdin.Close()
	status := r.Wait()
	inv.errs += s.Errs
	switch {
	case s.Errs > 0:
	case err != nil:
		inv.warn("%v", err)
	case status != 0:
		inv.errs++
	}
}

// toRemote copies local files to one remote target.
func (inv *invocation) toRemote(srcs []string, tl transfer.Location, many bool) {
	if inv.legacy {
		c, err := inv.conn(tl)
		if err != nil {
			return
		}
		if many {
			inv.toDir = true
		}
		r, err := c.Exec(inv.legacyCommand("-t", tl.Path))
		if err != nil {
			inv.warn("%v", err)
			return
		}
		s := inv.scpSide(r)
		err = s.Send(srcs)
		inv.finishLegacy(r, s, err)
		return
	}
	p, err := inv.pool(tl)
	if err != nil {
		return
	}
	dst := remotePath(tl.Path)
	st, err := p.Main.Stat(dst)
	dstDir := err == nil && st.IsDir()
	if many && !dstDir {
		inv.warn(msgTargetNotDir, tl.Path)
		return
	}
	put := func(s, d string) error {
		if err := p.Put(s, d, filepath.Base(s)); err != nil && !errors.Is(err, transfer.ErrResumeNotNeeded) {
			inv.warn("%v", err)
		}
		return nil
	}
	for _, src := range srcs {
		info, err := os.Stat(src)
		if err != nil {
			inv.warn("%s: %s", src, transfer.Reason(err))
			continue
		}
		d := dst
		if dstDir {
			d = path.Join(dst, filepath.Base(src))
		}
		switch {
		case info.IsDir() && !inv.recursive:
			inv.warn(msgNotRegular, src)
		case info.IsDir():
			if err := p.PutTree(src, d, put); err != nil {
				inv.warn("%v", err)
			}
		default:
			put(src, d)
		}
	}
}

// fromRemote copies one remote source (a glob) to a local target.
func (inv *invocation) fromRemote(sl transfer.Location, target string) {
	st, err := os.Stat(target)
	tdir := err == nil && st.IsDir()
	if inv.legacy {
		c, err := inv.conn(sl)
		if err != nil {
			return
		}
		r, err := c.Exec(inv.legacyCommand("-f", sl.Path))
		if err != nil {
			inv.warn("%v", err)
			return
		}
		s := inv.scpSide(r)
		err = s.Receive(target)
		inv.finishLegacy(r, s, err)
		return
	}
	p, err := inv.pool(sl)
	if err != nil {
		return
	}
	src := remotePath(sl.Path)
	matches := []string{src}
	if strings.ContainsAny(src, "*?[") {
		matches, err = p.Main.Glob(src)
		if err != nil || len(matches) == 0 {
			inv.warn(msgNoMatch, sl.Path)
			return
		}
	}
	if len(matches) > 1 && !tdir {
		inv.warn(msgTargetNotDir, target)
		return
	}
	get := func(s, d string) error {
		if err := p.Get(s, d, path.Base(s)); err != nil && !errors.Is(err, transfer.ErrResumeNotNeeded) {
			inv.warn("%v", err)
		}
		return nil
	}
	for _, m := range matches {
		info, err := p.Main.Stat(m)
		if err != nil {
			inv.warn("%s: %s", m, transfer.Reason(err))
			continue
		}
		d := target
		if tdir {
			d = filepath.Join(target, path.Base(m))
		}
		switch {
		case info.IsDir() && !inv.recursive:
			inv.warn(msgNotRegular, m)
		case info.IsDir():
			if err := p.GetTree(m, d, get); err != nil {
				inv.warn("%v", err)
			}
		default:
			get(m, d)
		}
	}
}

// localCopy is scp between two local paths, which OpenSSH hands to cp.
func (inv *invocation) localCopy(src, dst string) {
	args := []string{}
	if inv.recursive {
		args = append(args, "-r")
	}
	if inv.preserve {
		args = append(args, "-p")
	}
	cmd := exec.Command("cp", append(args, "--", src, dst)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		inv.errs++
	}
}

// remoteToRemote copies between two hosts: through this host (-3, the
// default as in OpenSSH 8.7 and later), or with -R by running scp on the
// source host.
func (inv *invocation) remoteToRemote(sl, tl transfer.Location, target string) {
	if inv.direct && !inv.through {
		c, err := inv.conn(sl)
		if err != nil {
			return
		}
		cmd := "scp"
		for _, f := range []struct {
			on bool
			s  string
		}{{inv.recursive, " -r"}, {inv.preserve, " -p"}, {inv.legacy, " -O"}, {inv.quiet, " -q"}} {
			if f.on {
				cmd += f.s
			}
		}
		r, err := c.Exec(cmd + " -- " + shellQuote(sl.Path) + " " + shellQuote(target))
		if err != nil {
			inv.warn("%v", err)
			return
		}
		r.Stdin.Close()
		io.Copy(os.Stdout, r.Stdout)
		if r.Wait() != 0 {
			inv.errs++
		}
		return
	}
	src, err := inv.conn(sl)
	if err != nil {
		return
	}
	dst, err := inv.conn(tl)
	if err != nil {
		return
	}
	if inv.legacy {
		inv.relayLegacy(src, dst, sl.Path, tl.Path)
		return
	}
	sp, err := inv.pool(sl)
	if err != nil {
		return
	}
	dp, err := inv.pool(tl)
	if err != nil {
		return
	}
	if err := transfer.Relay(sp, remotePath(sl.Path), dp, remotePath(tl.Path), inv.recursive, func(err error) { inv.warn("%v", err) }); err != nil {
		inv.warn("%v", err)
	}
}

// relayLegacy is -3 -O: the source host's `scp -f` talks to the target
// host's `scp -t` through us.
func (inv *invocation) relayLegacy(src, dst transfer.Conn, from, to string) {
	rs, err := src.Exec(inv.legacyCommand("-f", from))
	if err != nil {
		inv.warn("%v", err)
		return
	}
	rd, err := dst.Exec(inv.legacyCommand("-t", to))
	if err != nil {
		rs.Stdin.Close()
		rs.Wait()
		inv.warn("%v", err)
		return
	}
	go func() { io.Copy(rs.Stdin, rd.Stdout); rs.Stdin.Close() }()
	io.Copy(rd.Stdin, rs.Stdout)
	rd.Stdin.Close()
	if rd.Wait() != 0 {
		inv.errs++
	}
	if rs.Wait() != 0 {
		inv.errs++
	}
}

// shellQuote quotes a word for the remote shell.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>()*?[]{}~#!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
