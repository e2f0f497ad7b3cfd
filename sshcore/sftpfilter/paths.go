package sftpfilter

import (
	"encoding/binary"
	"errors"
	"os"
	"os/user"
	"strings"
	"syscall"

	"sshbox/internal/expand"
	"sshbox/internal/wire"
)

// Path requests answered as OpenSSH's sftp-server answers them, since
// pkg/sftp's differ in what a client can see:
//
//   - REALPATH: pkg/sftp only cleans the path, so "cd link" then "pwd" in
//     sftp shows the link, and "cd missing/dir" passes realpath and fails
//     later with another message. OpenSSH's resolves symbolic links and
//     requires every component but the last to exist (realpath below).
//   - expand-path@openssh.com (PROTOCOL, 4.10): realpath after expanding a
//     leading "~" (the start directory) or "~user" (that user's home);
//     OpenSSH's scp needs it for "host:~user/file" in its default SFTP
//     mode.
//   - home-directory (draft-ietf-secsh-filexfer-extensions): a user's home
//     directory.

const (
	fxpRealpath = 16
	pathMax     = 4096 // PATH_MAX: a longer path is ENAMETOOLONG
	maxLinks    = 32   // symbolic links followed before ELOOP
)

// cwd is where relative paths are: the start directory (SetWorkDir), else
// the process's.
func (f *Filter) cwd() (string, error) {
	if f.workDir != "" {
		return f.workDir, nil
	}
	return os.Getwd()
}

// realpathReq answers REALPATH request id for the path in args.
func (f *Filter) realpathReq(id uint32, args []byte) error {
	p, _, ok := wire.String(args)
	if !ok {
		return f.status(id, fxBadMessage)
	}
	path := string(p)
	if path == "" {
		path = "."
	}
	return f.resolve(id, path)
}

// expandPath answers expand-path@openssh.com request id.
func (f *Filter) expandPath(id uint32, args []byte) error {
	p, _, ok := wire.String(args)
	if !ok {
		return f.status(id, fxBadMessage)
	}
	cwd, err := f.cwd()
	if err != nil {
		return f.status(id, portable(err))
	}
	path := string(p)
	switch {
	case path == "":
		path = "."
	case path == "~":
		path = cwd
	case strings.HasPrefix(path, "~/"):
		path = cwd + "/" + path[2:]
	case path[0] == '~':
		if path, err = expand.Tilde(path, ""); err != nil {
			return f.statusMsg(id, fxNoSuchFile, "no such user")
		}
	}
	return f.resolve(id, path)
}

// homeDirectory answers home-directory request id: the named user's home
// directory; failure for a user the password database does not know, and
// for an empty name, as OpenSSH's sftp-server answers (getpwnam("")).
func (f *Filter) homeDirectory(id uint32, args []byte) error {
	name, _, ok := wire.String(args)
	if !ok {
		return f.status(id, fxBadMessage)
	}
	if len(name) == 0 {
		return f.status(id, fxFailure)
	}
	u, err := user.Lookup(string(name))
	if err != nil {
		return f.status(id, fxFailure)
	}
	return f.name(id, u.HomeDir)
}

// resolve answers request id with path resolved, or the reason it is not.
func (f *Filter) resolve(id uint32, path string) error {
	cwd, err := f.cwd()
	if err != nil {
		return f.status(id, portable(err))
	}
	resolved, err := realpath(path, cwd)
	if err != nil {
		return f.status(id, portable(err))
	}
	return f.name(id, resolved)
}

// name answers request id with a NAME reply of one entry, the name its
// own long name and no attributes, as OpenSSH's realpath replies are.
func (f *Filter) name(id uint32, name string) error {
	b := binary.BigEndian.AppendUint32(nil, 1)
	b = wire.AppendString(b, name)
	b = wire.AppendString(b, name)
	b = binary.BigEndian.AppendUint32(b, 0) // attribute flags: none
	return f.reply(fxpName, id, b)
}

var errPathMax = &os.PathError{Op: "realpath", Err: syscall.ENAMETOOLONG}

// realpath resolves path (relative ones from cwd) as OpenSSH's
// sftp-server does, which keeps the BSD realpath(3) of old: "." and ".."
// folded as they come, each symbolic link replaced by its target, and
// every component but the last required to exist (a missing last one
// stays as it is, so that a client may resolve where it will create).
func realpath(path, cwd string) (string, error) {
	if path == "" {
		return "", syscall.ENOENT
	}
	resolved, left := cwd, path
	if path[0] == '/' {
		resolved, left = "/", path[1:]
	}
	if len(left) >= pathMax || len(resolved) >= pathMax {
		return "", errPathMax
	}
	links := 0
	for left != "" {
		tok, rest, more := strings.Cut(left, "/")
		left = rest
		if !strings.HasSuffix(resolved, "/") {
			resolved += "/"
		}
		switch tok {
		case "", ".":
			continue
		case "..":
			resolved = parent(resolved)
			continue
		}
		resolved += tok
		if len(resolved) >= pathMax {
			return "", errPathMax
		}
		fi, err := os.Lstat(resolved)
		if err != nil {
			if !more && errors.Is(err, syscall.ENOENT) {
				return resolved, nil
			}
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			continue
		}
		if links++; links > maxLinks {
			return "", syscall.ELOOP
		}
		target, err := os.Readlink(resolved)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			resolved = "/"
		} else {
			resolved = parent(resolved)
		}
		if more {
			if !strings.HasSuffix(target, "/") {
				target += "/"
			}
			target += left
		}
		if left = target; len(left) >= pathMax {
			return "", errPathMax
		}
	}
	if len(resolved) > 1 {
		resolved = strings.TrimSuffix(resolved, "/")
	}
	return resolved, nil
}

// parent drops the last component of a resolved path, keeping the slash
// before it: "/a/b/" and "/a/b" give "/a/"; "/" stays.
func parent(p string) string {
	if len(p) <= 1 {
		return p
	}
	return p[:strings.LastIndexByte(p[:len(p)-1], '/')+1]
}
