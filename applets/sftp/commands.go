package sftp

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"sshbox/internal/vis"
	"sshbox/sshcore/transfer"
)

// command is one interactive command: its flags (letters it accepts), the
// words it needs after them, and what it does with the flags seen and
// the words.
type command struct {
	flags string
	need  need
	run   func(s *session, f map[byte]bool, args []string) error
}

// need is how many words a command takes after its flags, checked as
// OpenSSH's parse_args checks them; words beyond those are ignored, as
// there.
type need int

const (
	needNone    need = iota // optional words (cd, ls, df ...)
	needOne                 // get, put and the like: at least one path
	needPath                // rm, mkdir, rmdir, lmkdir: a path
	needTwo                 // rename, ln, symlink, copy: two paths
	needNum                 // lumask: an octal number
	needNumPath             // chmod (octal), chown, chgrp: a number, then a path
)

// commands are sftp's commands by name (findCommand). A slice, not a map:
// a map literal is code that builds the map when the program starts.
var commands = []struct {
	name string
	command
}{
	{"bye", command{"", needNone, cmdQuit}},
	{"exit", command{"", needNone, cmdQuit}},
	{"quit", command{"", needNone, cmdQuit}},
	{"cd", command{"", needNone, cmdCd}},
	{"chdir", command{"", needNone, cmdCd}},
	{"lcd", command{"", needNone, cmdLcd}},
	{"lchdir", command{"", needNone, cmdLcd}},
	{"pwd", command{"", needNone, func(s *session, _ map[byte]bool, _ []string) error { mprintf(msgRemoteWD+"\n", s.cwd); return nil }}},
	{"lpwd", command{"", needNone, cmdLpwd}},
	{"ls", command{"1afhlnrSt", needNone, cmdLs}},
	{"dir", command{"1afhlnrSt", needNone, cmdLs}},
	{"lls", command{"", needNone, nil}},
	{"lmkdir", command{"", needPath, cmdLmkdir}},
	{"lumask", command{"h", needNum, cmdLumask}},
	{"get", command{getput, needOne, cmdGet}},
	{"mget", command{getput, needOne, cmdGet}},
	{"reget", command{getput, needOne, cmdReget}},
	{"put", command{getput, needOne, cmdPut}},
	{"mput", command{getput, needOne, cmdPut}},
	{"reput", command{getput, needOne, cmdReput}},
	{"mkdir", command{"", needPath, cmdMkdir}},
	{"rmdir", command{"", needPath, cmdRmdir}},
	{"rm", command{"", needPath, cmdRm}},
	{"rename", command{"l", needTwo, cmdRename}},
	{"copy", command{"", needTwo, cmdCopy}},
	{"cp", command{"", needTwo, cmdCopy}},
	{"ln", command{"s", needTwo, cmdLn}},
	{"symlink", command{"", needTwo, cmdSymlink}},
	{"chmod", command{"h", needNumPath, cmdChmod}},
	{"chown", command{"h", needNumPath, cmdChown}},
	{"chgrp", command{"h", needNumPath, cmdChgrp}},
	{"df", command{"hi", needNone, cmdDf}},
	{"help", command{"", needNone, cmdHelp}},
	{"?", command{"", needNone, cmdHelp}},
	{"version", command{"", needNone, func(*session, map[byte]bool, []string) error { fmt.Println(msgVersion); return nil }}},
	{"progress", command{"", needNone, cmdProgress}},
}

// getput: OpenSSH's parse_getput_flags, for all four.
const getput = "afpPrR"

// findCommand returns the command named name.
func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c.command, true
		}
	}
	return command{}, false
}

// run executes one command's words. The name is matched without regard to
// case, and named in messages as the table has it, as OpenSSH's sftp does.
func (s *session) run(words []string) error {
	name := strings.ToLower(words[0])
	if name == "lls" {
		return s.shell("ls " + strings.Join(quoteAll(words[1:]), " "))
	}
	c, ok := findCommand(name)
	if !ok {
		return fail(msgInvalidCmd)
	}
	flags := map[byte]bool{}
	args := words[1:]
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for _, ch := range []byte(args[0][1:]) {
			if strings.IndexByte(c.flags, ch) < 0 {
				if name == "ls" || name == "dir" {
					name = "ls" // parse_ls_flags names itself
				}
				return fail(msgBadFlag, name, ch)
			}
			if name == "ls" || name == "dir" {
				lsFlag(flags, ch)
			}
			flags[ch] = true
		}
		args = args[1:]
	}
	switch c.need {
	case needOne:
		if len(args) < 1 {
			return fail(msgNeedOne, name)
		}
		args = args[:min(len(args), 2)]
	case needPath:
		if len(args) < 1 {
			return fail(msgNeedPath, name)
		}
		args = args[:1]
	case needTwo:
		if len(args) < 2 {
			return fail(msgNeedTwo, name)
		}
		args = args[:2]
	case needNum, needNumPath:
		base := 10
		if name == "chmod" || name == "lumask" {
			base = 8
		}
		if len(args) < 1 {
			return fail(msgNeedMode, name)
		}
		if _, ok := parseNum(args[0], base); !ok {
			return fail(msgNeedMode, name)
		}
		if c.need == needNum {
			args = args[:1]
			break
		}
		if len(args) < 2 {
			return fail(msgNeedPath, name)
		}
		args = args[:2]
	}
	return c.run(s, flags, args)
}

// lsFlag applies ls's flag ch as OpenSSH's parse_ls_flags does, where a
// later flag undoes an earlier one: -1 the long views, -l and -n the short
// one, and each of -S, -f, -t the other two sort orders.
func lsFlag(f map[byte]bool, ch byte) {
	clear := map[byte]string{'1': "lnh", 'l': "1", 'n': "1", 'S': "ft", 'f': "St", 't': "Sf"}[ch]
	for i := 0; i < len(clear); i++ {
		delete(f, clear[i])
	}
}

// parseNum reads a command's numeric argument as OpenSSH's sftp does
// (strtoll in base 8 or 10, then 0 to UINT32_MAX): an optional sign,
// digits, nothing after them.
func parseNum(w string, base int) (uint32, bool) {
	w = strings.TrimPrefix(w, "+")
	n, err := strconv.ParseUint(w, base, 32)
	return uint32(n), err == nil
}

func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "'" + strings.ReplaceAll(unescape(w), "'", `'\''`) + "'"
	}
	return out
}

// unescape undoes the escapes splitLine left before glob characters and
// backslashes, for a path that is used as it is (OpenSSH's
// undo_glob_escape): "\\*", "\\?", "\\[" and "\\\\" lose their backslash,
// any other stays as it is.
func unescape(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) && strings.IndexByte("?[*\\", p[i+1]) >= 0 {
			i++
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func hasGlob(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// remoteGlob expands a remote pattern against the working directory.
func (s *session) remoteGlob(p string) ([]string, error) {
	abs := s.abs(p)
	if !hasGlob(abs) {
		abs = unescape(abs)
		if _, err := s.cl.Lstat(abs); err != nil {
			return nil, err
		}
		return []string{abs}, nil
	}
	m, err := s.cl.Glob(abs)
	if err != nil || len(m) == 0 {
		return nil, os.ErrNotExist
	}
	// glob(3) sorts what it found, in strcmp's order.
	sort.Strings(m)
	return m, nil
}

// localGlob expands a local pattern.
func localGlob(p string) ([]string, error) {
	if !hasGlob(p) {
		p = unescape(p)
		if _, err := os.Lstat(p); err != nil {
			return nil, err
		}
		return []string{p}, nil
	}
	m, err := filepath.Glob(p)
	if err != nil || len(m) == 0 {
		return nil, os.ErrNotExist
	}
	return m, nil
}

// fail prints one line and marks the command failed. It is OpenSSH's
// error(): the line goes through log.c's strnvis(VIS_SAFE|VIS_OCTAL), as
// the paths in it may be the server's.
func fail(format string, args ...any) error {
	logLine(format, args...)
	return errShown
}

// logLine is OpenSSH's log.c on standard error: the line escaped as above
// and ended with "\r\n", which error() and logit() write whatever the
// terminal's mode (so that a line is whole in raw mode too).
func logLine(format string, args ...any) {
	fmt.Fprint(os.Stderr, vis.Safe(fmt.Sprintf(format, args...))+"\r\n")
}

// utf8Locale is the locale's say in how mprintf escapes.
var utf8Locale = vis.UTF8Locale()

// mprintf is OpenSSH's mprintf (utf8.c): standard output, with what the
// locale cannot print, or a terminal would act on, as \ooo.
func mprintf(format string, args ...any) {
	fmt.Print(vis.Terminal(fmt.Sprintf(format, args...), utf8Locale))
}

func cmdQuit(*session, map[byte]bool, []string) error { return errQuit }

func cmdHelp(*session, map[byte]bool, []string) error {
	fmt.Println(helpText)
	return nil
}

func cmdProgress(s *session, _ map[byte]bool, _ []string) error {
	s.progress = !s.progress
	if s.progress {
		fmt.Println(msgProgressOn)
	} else {
		fmt.Println(msgProgressOff)
	}
	return nil
}

// cmdCd goes where the server resolves the path to, symbolic links
// followed (REALPATH), as OpenSSH's sftp does; without a path, back to the
// start directory.
func cmdCd(s *session, _ map[byte]bool, args []string) error {
	p := s.startDir
	if len(args) > 0 && args[0] != "" {
		p = s.abs(unescape(args[0]))
	}
	rp, err := s.cl.RealPath(p)
	if err != nil {
		return fail(msgRealpath, p, transfer.StatusMessage(err))
	}
	st, err := s.cl.Stat(rp)
	if err != nil {
		return fail(msgStat, transfer.Reason(err))
	}
	if !st.IsDir() {
		return fail(msgCantCD, rp)
	}
	s.cwd = rp
	return nil
}

func cmdLcd(s *session, _ map[byte]bool, args []string) error {
	dir := os.Getenv("HOME")
	if len(args) > 0 {
		dir = unescape(args[0])
	}
	if err := os.Chdir(dir); err != nil {
		return fail(msgLocalCD, dir, transfer.Reason(err))
	}
	return nil
}

func cmdLpwd(*session, map[byte]bool, []string) error {
	wd, err := os.Getwd()
	if err != nil {
		return fail("getcwd: %s", transfer.Reason(err))
	}
	mprintf(msgLocalWD+"\n", wd)
	return nil
}

func cmdLmkdir(_ *session, _ map[byte]bool, args []string) error {
	if err := os.Mkdir(unescape(args[0]), 0o777); err != nil {
		return fail(msgLocalMkdir, args[0], transfer.Reason(err))
	}
	return nil
}

func cmdLumask(_ *session, _ map[byte]bool, args []string) error {
	m, _ := parseNum(args[0], 8)
	syscall.Umask(int(m))
	fmt.Printf("Local umask: %03o\n", m)
	return nil
}

func cmdMkdir(s *session, _ map[byte]bool, args []string) error {
	p := s.abs(unescape(args[0]))
	if err := s.cl.Mkdir(p); err != nil {
		return fail(msgRemoteOp, "mkdir", p, transfer.Reason(err))
	}
	return nil
}

func cmdRmdir(s *session, _ map[byte]bool, args []string) error {
	p := s.abs(unescape(args[0]))
	if err := s.cl.RemoveDirectory(p); err != nil {
		return fail(msgRemoteOp, "rmdir", p, transfer.Reason(err))
	}
	return nil
}

func cmdRm(s *session, _ map[byte]bool, args []string) error {
	matches, err := s.remoteGlob(args[0])
	if err != nil {
		// GLOB_NOCHECK: a pattern that matches nothing is removed as
		// it is, and the server says why not.
		matches = []string{s.abs(unescape(args[0]))}
	}
	var failed error
	for _, m := range matches {
		if !s.quiet {
			mprintf("Removing %s\n", m)
		}
		if err := s.cl.Remove(m); err != nil {
			failed = fail(msgRemoteDelete, m, transfer.Reason(err))
		}
	}
	return failed
}

func twoPaths(s *session, args []string) (string, string) {
	return s.abs(unescape(args[0])), s.abs(unescape(args[1]))
}

func cmdRename(s *session, f map[byte]bool, args []string) error {
	from, to := twoPaths(s, args)
	var err error
	// posix-rename@openssh.com replaces an existing target, as OpenSSH's
	// sftp prefers when the server offers it, unless -l asks for the
	// plain request.
	if _, ok := s.cl.HasExtension("posix-rename@openssh.com"); ok && !f['l'] {
		err = s.cl.PosixRename(from, to)
	} else {
		err = s.cl.Rename(from, to)
	}
	if err != nil {
		return fail(msgRemoteTwo, "rename", from, to, transfer.Reason(err))
	}
	return nil
}

// cmdCopy is copy/cp: the server copies the file (copy-data).
func cmdCopy(s *session, _ map[byte]bool, args []string) error {
	from, to := twoPaths(s, args)
	if err := s.pool.Copy(from, to); err != nil {
		return fail("%v", err)
	}
	return nil
}

func cmdLn(s *session, f map[byte]bool, args []string) error {
	if f['s'] {
		return cmdSymlink(s, nil, args)
	}
	from, to := twoPaths(s, args)
	if err := s.cl.Link(from, to); err != nil {
		return fail(msgRemoteTwo, "link", from, to, transfer.Reason(err))
	}
	return nil
}

func cmdSymlink(s *session, _ map[byte]bool, args []string) error {
	// The link's text is kept as typed: a relative target stays relative.
	from, to := unescape(args[0]), s.abs(unescape(args[1]))
	if err := s.cl.Symlink(from, to); err != nil {
		return fail(msgRemoteSymlink, from, to, transfer.Reason(err))
	}
	return nil
}

// attrCommand is chmod, chown and chgrp as OpenSSH's sftp runs them: a
// number, then a glob whose every match is changed, or the path itself
// where nothing matches (glob(3)'s GLOB_NOCHECK: the request then says
// what is wrong with it); in batch mode the first failure ends it. apply
// says its own failures.
func attrCommand(s *session, name string, args []string, apply func(p string, n int) error) error {
	base := 10
	if name == "chmod" {
		base = 8
	}
	n, _ := parseNum(args[0], base)
	matches, err := s.remoteGlob(args[1])
	if err != nil {
		p := s.abs(args[1])
		if !hasGlob(p) {
			p = unescape(p)
		}
		matches = []string{p}
	}
	var failed error
	for _, m := range matches {
		if err := apply(m, int(n)); err != nil {
			failed = err
			if s.errAbort {
				break
			}
		}
	}
	return failed
}

// setAttrs is OpenSSH's do_setstat, or with -h (noFollow) do_lsetstat:
// uid and gid (ids non-nil) or the mode set on p, a failure said in
// OpenSSH's words.
func (s *session) setAttrs(p string, noFollow bool, mode *uint32, ids *[2]uint32) error {
	if noFollow {
		if _, ok := s.cl.HasExtension("lsetstat@openssh.com"); !ok {
			return fail(msgNoLsetstat)
		}
		if err := s.pool.Lsetstat(p, mode, ids); err != nil {
			return fail(msgRemoteOp, "lsetstat", p, transfer.Reason(err))
		}
		return nil
	}
	var err error
	if ids != nil {
		err = s.cl.Chown(p, int(ids[0]), int(ids[1]))
	} else {
		err = s.cl.Chmod(p, os.FileMode(*mode&0o7777))
	}
	if err != nil {
		return fail(msgRemoteOp, "setstat", p, transfer.Reason(err))
	}
	return nil
}

func cmdChmod(s *session, f map[byte]bool, args []string) error {
	return attrCommand(s, "chmod", args, func(p string, n int) error {
		if !s.quiet {
			mprintf("Changing mode on %s\n", p)
		}
		mode := uint32(n)
		return s.setAttrs(p, f['h'], &mode, nil)
	})
}

// chownCommand is chown and chgrp: the file's ids (of the link itself
// with -h) with one of them changed.
func chownCommand(s *session, f map[byte]bool, args []string, name, verb string, which int) error {
	return attrCommand(s, name, args, func(p string, n int) error {
		stat := s.cl.Stat
		if f['h'] {
			stat = s.cl.Lstat
		}
		st, err := stat(p)
		if err != nil {
			return fail(msgStat, transfer.Reason(err))
		}
		if !s.quiet {
			mprintf("Changing %s on %s\n", verb, p)
		}
		ids := [2]uint32{uint32(uidOf(st)), uint32(gidOf(st))}
		ids[which] = uint32(n)
		return s.setAttrs(p, f['h'], nil, &ids)
	})
}

func cmdChown(s *session, f map[byte]bool, args []string) error {
	return chownCommand(s, f, args, "chown", "owner", 0)
}

func cmdChgrp(s *session, f map[byte]bool, args []string) error {
	return chownCommand(s, f, args, "chgrp", "group", 1)
}

func cmdDf(s *session, f map[byte]bool, args []string) error {
	p := s.cwd
	if len(args) > 0 {
		p = s.abs(unescape(args[0]))
	}
	if _, ok := s.cl.HasExtension("statvfs@openssh.com"); !ok {
		return fail(msgNoStatVFS)
	}
	st, err := s.cl.StatVFS(p)
	if err != nil {
		return errShown // OpenSSH's do_df asks quietly: the failure says nothing
	}
	// As OpenSSH's do_df: the capacities from blocks and inodes, "ERR"
	// where a file system has none (/proc).
	capacity := func(used, total uint64) string {
		if total == 0 {
			return "ERR"
		}
		return fmt.Sprintf("%3d%%", 100*used/total)
	}
	switch {
	case f['i']:
		fmt.Printf("     Inodes        Used       Avail      (root)    %%Capacity\n")
		fmt.Printf("%11d %11d %11d %11d         %s\n", st.Files, st.Files-st.Ffree, st.Favail,
			st.Ffree, capacity(st.Files-st.Ffree, st.Files))
	case f['h']:
		fmt.Printf("    Size     Used    Avail   (root)    %%Capacity\n")
		fmt.Printf("%7sB %7sB %7sB %7sB         %s\n", scaled(st.Blocks*st.Frsize),
			scaled((st.Blocks-st.Bfree)*st.Frsize), scaled(st.Bavail*st.Frsize),
			scaled(st.Bfree*st.Frsize), capacity(st.Blocks-st.Bfree, st.Blocks))
	default:
		fmt.Printf("        Size         Used        Avail       (root)    %%Capacity\n")
		fmt.Printf("%12d %12d %12d %12d         %s\n", st.Frsize*st.Blocks/1024,
			st.Frsize*(st.Blocks-st.Bfree)/1024, st.Frsize*st.Bavail/1024, st.Frsize*st.Bfree/1024,
			capacity(st.Blocks-st.Bfree, st.Blocks))
	}
	return nil
}

// shell is "!command" (run by the local shell) and "!" (an interactive
// local shell).
func (s *session) shell(command string) error {
	sh := os.Getenv("SHELL")
	if sh == "" {
		sh = "/bin/sh"
	}
	var cmd *exec.Cmd
	if strings.TrimSpace(command) == "" {
		cmd = exec.Command(sh)
	} else {
		cmd = exec.Command(sh, "-c", command)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// As OpenSSH's local_do_shell: a failure is said, and is not the
	// command's (a batch goes on).
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		logLine(msgShellStatus, ee.ExitCode())
	} else if err != nil {
		logLine("%s: %s", sh, transfer.Reason(err))
	}
	return nil
}

// localTarget is where a download of remote goes: dst, inside dst when it
// is a directory, or the current directory when dst is empty.
func localTarget(remote, dst string) string {
	if dst == "" {
		return path.Base(remote)
	}
	if st, err := os.Stat(dst); err == nil && st.IsDir() {
		return filepath.Join(dst, path.Base(remote))
	}
	return dst
}
