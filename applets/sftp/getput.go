package sftp

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"

	"sshbox/sshcore/transfer"
)

func cmdGet(s *session, f map[byte]bool, args []string) error {
	return s.get(f, args, f['a'] || s.set.Resume)
}
func cmdReget(s *session, f map[byte]bool, args []string) error { return s.get(f, args, true) }
func cmdPut(s *session, f map[byte]bool, args []string) error {
	return s.put(f, args, f['a'] || s.set.Resume)
}
func cmdReput(s *session, f map[byte]bool, args []string) error { return s.put(f, args, true) }

// settings are the session's, with a command's own flags on top.
func (s *session) settings(f map[byte]bool, resume bool) transfer.Settings {
	set := s.set
	set.Resume = resume
	set.Preserve = set.Preserve || f['p'] || f['P']
	set.Fsync = set.Fsync || f['f']
	set.Progress = s.progress && transfer.ShowProgress(s.quiet)
	return set
}

func (s *session) get(f map[byte]bool, args []string, resume bool) error {
	recursive := s.recursive || f['r'] || f['R']
	matches, err := s.remoteGlob(args[0])
	if err != nil {
		return fail(msgNotFound, s.absPattern(args[0]))
	}
	dst := ""
	if len(args) == 2 {
		dst = unescape(args[1])
	}
	if len(matches) > 1 && dst != "" {
		if st, err := os.Stat(dst); err != nil || !st.IsDir() {
			return fail(msgNotDirTarget, dst)
		}
	}
	s.pool.Set = s.settings(f, resume)
	var failed error
	each := func(src, d string) error {
		if err := s.moveFile(src, d, path.Base(src), resume, getLines, s.pool.Get); err != nil {
			failed = err
		}
		return nil
	}
	for _, m := range matches {
		d := localTarget(m, dst)
		st, err := s.cl.Stat(m)
		if err != nil {
			failed = fail(msgStat, transfer.Reason(err))
			continue
		}
		if st.IsDir() {
			if !recursive {
				// OpenSSH's glob marks a directory with a slash; its
				// download announces it, then refuses it.
				if !s.quiet {
					line := getLines.moving
					if resume {
						line = getLines.resuming
					}
					mprintf(line+"\n", m+"/", d)
				}
				failed = fail(msgSkipDir, m)
				continue
			}
			if !s.quiet {
				mprintf(msgFetchDir+"\n", m, d)
			}
			// As OpenSSH's download_dir: the directory by its real
			// path, each one entered said.
			if err := s.tree(m, msgCanonDown, msgRetrieving, func(rp string) error {
				return s.pool.GetTree(rp, d, each)
			}); err != nil {
				failed = err
			}
			continue
		}
		each(m, d)
	}
	return failed
}

func (s *session) put(f map[byte]bool, args []string, resume bool) error {
	recursive := s.recursive || f['r'] || f['R']
	// glob(3) with GLOB_NOCHECK: a pattern that matches nothing is tried
	// as it is, and stat says what is wrong with it.
	matches, err := localGlob(args[0])
	if err != nil {
		matches = []string{args[0]}
		if !hasGlob(args[0]) {
			matches[0] = unescape(args[0])
		}
	}
	dst := s.cwd
	if len(args) == 2 {
		dst = s.abs(unescape(args[1]))
	}
	st, err := s.cl.Stat(dst)
	dstDir := err == nil && st.IsDir()
	if len(matches) > 1 && !dstDir {
		return fail(msgNotDirTarget, dst)
	}
	s.pool.Set = s.settings(f, resume)
	var failed error
	each := func(src, d string) error {
		if err := s.moveFile(src, d, filepath.Base(src), resume, putLines, s.pool.Put); err != nil {
			failed = err
		}
		return nil
	}
	for _, m := range matches {
		d := dst
		if dstDir {
			d = path.Join(dst, filepath.Base(m))
		}
		lst, err := os.Stat(m)
		if err != nil {
			failed = fail(msgStatLocal, m, transfer.Reason(err))
			continue
		}
		if lst.IsDir() {
			// GLOB_MARK: OpenSSH's glob names a directory with a slash.
			if !strings.HasSuffix(m, "/") {
				m += "/"
			}
			if !s.quiet {
				line := putLines.moving
				if resume {
					line = putLines.resuming
				}
				mprintf(line+"\n", m, d)
			}
			if !recursive {
				failed = fail(msgLocalNotReg, m)
				continue
			}
			// As OpenSSH's upload_dir: the target by its real path,
			// each directory entered said.
			if err := s.tree(d, msgCanonUp, msgEntering, func(rp string) error {
				return s.pool.PutTree(m, rp, each)
			}); err != nil {
				failed = err
			}
			continue
		}
		each(m, d)
	}
	return failed
}

// tree runs a recursive get or put (copy) on the remote path p resolved
// by the server, as OpenSSH's download_dir and upload_dir do, saying each
// directory entered with line; the failure, said, is returned.
func (s *session) tree(p, canonFailed, line string, copy func(resolved string) error) error {
	rp, err := s.cl.RealPath(p)
	if err != nil {
		logLine(msgRealpath, p, transfer.StatusMessage(err))
		return fail(canonFailed, p)
	}
	s.pool.Set.Dirs = func(dir string) { mprintf(line+"\n", dir) }
	defer func() { s.pool.Set.Dirs = nil }()
	if err := copy(rp); err != nil {
		return fail("%v", err)
	}
	return nil
}

// moveLines are what get or put prints around one file, in OpenSSH's words.
type moveLines struct{ resuming, moving string }

var (
	getLines = moveLines{msgResuming, msgFetching}
	putLines = moveLines{msgResumingUp, msgUploading}
)

// moveFile announces and moves one file for get or put (move is the
// pool's Get or Put) and returns the failure to report; a resume that
// finds the file complete is said, not failed.
func (s *session) moveFile(src, dst, label string, resume bool, l moveLines, move func(src, dst, label string) error) error {
	if !s.quiet {
		if resume {
			mprintf(l.resuming+"\n", src, dst)
		} else {
			mprintf(l.moving+"\n", src, dst)
		}
	}
	err := move(src, dst, label)
	switch {
	case errors.Is(err, transfer.ErrResumeNotNeeded):
		// OpenSSH's logit(): said unless -q lowered the log level.
		if !s.flags.Quiet {
			logLine(msgNotModified, dst)
		}
	case err != nil:
		return fail("%v", err)
	}
	return nil
}
