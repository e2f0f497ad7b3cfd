package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"sshbox/configfmt"
)

// ChrootDirectory, as OpenSSH's session.c does it: the path and each of
// its parents must be root-owned directories that nobody else may write
// to, else the session is refused and the reason logged. The child that
// runs the session chroots and only then drops privileges.
//
// After chroot this binary is usually not reachable (the jail holds no
// copy of it), so sshd does not exec the session's program directly:
// it starts this binary (as root, outside the jail) with ChrootChildArg
// first; that process chroots, chdirs, drops to the user (setgroups,
// setgid, setuid) and then either serves internal-sftp in-process, which
// needs no file inside the jail, or execs the shell or command found
// inside the jail. The helper's own environment is empty, so nothing a
// client sent (GODEBUG, say) reaches the Go runtime while it is root; the
// session's environment travels on a pipe (fd 3) and is given to the
// program only after privileges are dropped.

// ChrootChildArg is the first argument (after the applet name) of the
// re-executed chroot helper; applets/sshd hands such a command line to
// RunChrootChild.
const ChrootChildArg = "--chroot-child"

// internalSftp marks the in-process sftp server in the helper's command.
const internalSftp = "internal-sftp"

// chrootDir expands ChrootDirectory for the account: "" when there is no
// chroot (unset or none).
func chrootDir(opts *configfmt.ServerOptions, a *account) (string, error) {
	raw := opts.ChrootDirectory
	if raw == "" || strings.EqualFold(raw, "none") {
		return "", nil
	}
	if !strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "%h") && !strings.HasPrefix(raw, "~") {
		return "", errors.New("chroot path does not begin at root")
	}
	dir, err := configfmt.ExpandUserPath(raw, a.Name, a.Home, strconv.FormatUint(uint64(a.UID), 10))
	if err != nil {
		return "", fmt.Errorf("ChrootDirectory %q: %v", raw, err)
	}
	return filepath.Clean(dir), nil
}

// checkChroot is OpenSSH's safely_chroot: every component from "/" down
// to dir is a directory owned by root and not group or world writable.
// The messages are OpenSSH's.
func checkChroot(dir string) error {
	if os.Geteuid() != 0 {
		return errors.New("server lacks privileges to chroot to ChrootDirectory")
	}
	comps := []string{"/"}
	for i := 1; i < len(dir); i++ {
		if dir[i] == '/' {
			comps = append(comps, dir[:i+1])
		}
	}
	if dir != "/" {
		comps = append(comps, dir)
	}
	for i, c := range comps {
		kind := "component "
		if i == len(comps)-1 {
			kind = ""
		}
		var st syscall.Stat_t
		if err := syscall.Stat(c, &st); err != nil {
			return fmt.Errorf("stat(%q): %v", c, err)
		}
		if st.Uid != 0 || st.Mode&0o022 != 0 {
			return fmt.Errorf("bad ownership or modes for chroot directory %s%q", kind, c)
		}
		if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
			return fmt.Errorf("chroot path %s%q is not a directory", kind, c)
		}
	}
	return nil
}

// chrootCmd prepares the helper that runs path/argv as the account inside
// dir. The helper starts as root (it has to chroot) with an empty
// environment; env is written to its fd 3 once it runs (see feedEnv).
func chrootCmd(a *account, dir, path string, argv, env []string, internal bool) (*exec.Cmd, []byte, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	groups := a.Groups
	if len(groups) == 0 {
		groups = []uint32{a.GID}
	}
	var gs []string
	for _, g := range groups {
		gs = append(gs, strconv.FormatUint(uint64(g), 10))
	}
	if internal {
		// argv is ["sftp-server", flags...]: the helper serves it itself.
		path, argv = internalSftp, append([]string{internalSftp}, argv[1:]...)
	}
	args := []string{"sshd", ChrootChildArg, dir, a.Home,
		strconv.FormatUint(uint64(a.UID), 10), strconv.FormatUint(uint64(a.GID), 10), strings.Join(gs, ","), "--", path}
	args = append(args, argv...)
	cmd := &exec.Cmd{Path: exe, Args: args, Env: []string{}, Dir: "/"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var envBlob bytes.Buffer
	for _, kv := range env {
		envBlob.WriteString(kv)
		envBlob.WriteByte(0)
	}
	return cmd, envBlob.Bytes(), nil
}

// RunChrootChild is the helper's side: args are what chrootCmd put after
// ChrootChildArg. sftp serves internal-sftp on stdin/stdout with the
// sftp-server flags given (argv[0] being "sftp-server"). It returns
// the exit status when it does not exec.
func RunChrootChild(args []string, sftp func(argv []string) int) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, format+"\n", a...)
		return 1
	}
	if len(args) < 8 || args[5] != "--" {
		return fail("sshd: %s: bad arguments", ChrootChildArg)
	}
	dir, home := args[0], args[1]
	uid, err1 := strconv.ParseUint(args[2], 10, 32)
	gid, err2 := strconv.ParseUint(args[3], 10, 32)
	if err1 != nil || err2 != nil {
		return fail("sshd: %s: bad uid or gid", ChrootChildArg)
	}
	var groups []int
	for _, g := range strings.Split(args[4], ",") {
		n, err := strconv.ParseUint(g, 10, 32)
		if err != nil {
			return fail("sshd: %s: bad group %q", ChrootChildArg, g)
		}
		groups = append(groups, int(n))
	}
	path, argv := args[6], args[7:]
	var env []string
	if f := os.NewFile(3, "env"); f != nil {
		blob, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return fail("sshd: %s: reading the environment: %v", ChrootChildArg, err)
		}
		for _, kv := range bytes.Split(blob, []byte{0}) {
			if len(kv) > 0 {
				env = append(env, string(kv))
			}
		}
	}
	if err := syscall.Chroot(dir); err != nil {
		return fail("chroot(%q): %v", dir, err)
	}
	if err := syscall.Chdir("/"); err != nil {
		return fail("chdir(\"/\"): %v", err)
	}
	// Go applies these to every thread of the process (since Go 1.16).
	if err := syscall.Setgroups(groups); err != nil {
		return fail("setgroups: %v", err)
	}
	if err := syscall.Setgid(int(gid)); err != nil {
		return fail("setgid %d: %v", gid, err)
	}
	if err := syscall.Setuid(int(uid)); err != nil {
		return fail("setuid %d: %v", uid, err)
	}
	if uint64(syscall.Geteuid()) != uid || uint64(syscall.Getegid()) != gid || uid != 0 && syscall.Setuid(0) == nil {
		return fail("sshd: privileges were not dropped")
	}
	// As OpenSSH: the home directory inside the jail if there is one,
	// else "/", without a warning in the chroot case.
	syscall.Chdir(home)
	if path == internalSftp {
		return sftp(append([]string{"sftp-server"}, argv[1:]...))
	}
	if path == SessionRCArg {
		// The session's rc file runs inside the jail, as the user,
		// before the program (userrc.go).
		os.Clearenv()
		for _, kv := range env {
			if k, v, ok := strings.Cut(kv, "="); ok {
				os.Setenv(k, v)
			}
		}
		return RunSessionRC(argv[1:])
	}
	err := syscall.Exec(path, argv, env)
	return fail("%s: %v", path, err)
}

// envFeed writes a chroot helper's environment to its fd 3.
type envFeed struct {
	r, w *os.File
	blob []byte
}

// feed writes the environment in the background (the helper reads it
// before anything else) and closes the pipe.
func (e *envFeed) feed() {
	if e == nil {
		return
	}
	go func() {
		e.w.Write(e.blob)
		e.w.Close()
	}()
}

func (e *envFeed) close() {
	if e != nil {
		e.r.Close()
		e.w.Close()
	}
}

// childCommand is the process a session runs: the program itself as the
// user, or, under ChrootDirectory, the chroot helper with the pipe its
// environment goes through. A chroot that is not safe refuses the session.
func (s *session) childCommand(path string, argv, env []string) (*exec.Cmd, *envFeed, error) {
	a := s.c.user.acct
	dir, err := chrootDir(s.c.user.opts, a)
	if err != nil {
		return nil, nil, err
	}
	if dir == "" {
		return childCmd(a, path, argv, env), nil, nil
	}
	if err := checkChroot(dir); err != nil {
		return nil, nil, err
	}
	cmd, blob, err := chrootCmd(a, dir, path, argv, env, s.internalSftp)
	if err != nil {
		return nil, nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	cmd.ExtraFiles = []*os.File{r}
	return cmd, &envFeed{r: r, w: w, blob: blob}, nil
}
