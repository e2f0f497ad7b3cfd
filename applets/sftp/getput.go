package sftp

import (
	"errors"
	"os"
	"path"
	"path/filepath"

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
	if len(args) < 1 || len(args) > 2 {
		return fail(msgNeedPath, "get")
	}
	recursive := s.recursive || f['r'] || f['R']
	matches, err := s.remoteGlob(args[0])
	if err != nil {
		return fail(msgNotFound, s.abs(unescape(args[0])))
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
			if err := s.pool.GetTree(m, d, each); err != nil {
				failed = fail("%v", err)
			}
			continue
		}
		each(m, d)
	}
	return failed
}

func (s *session) put(f map[byte]bool, args []string, resume bool) error {
	if len(args) < 1 || len(args) > 2 {
		return fail(msgNeedPath, "put")
	}
	recursive := s.recursive || f['r'] || f['R']
	matches, err := localGlob(args[0])
	if err != nil {
		return fail(msgNotFound, unescape(args[0]))
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
			failed = fail("stat local \"%s\": %s", m, transfer.Reason(err))
			continue
		}
		if lst.IsDir() {
			if !recursive {
				failed = fail(msgSkipLocalDir, m)
				continue
			}
			if err := s.pool.PutTree(m, d, each); err != nil {
				failed = fail("%v", err)
			}
			continue
		}
		each(m, d)
	}
	return failed
}

// moveLines are what get or put prints around one file, in OpenSSH's words.
type moveLines struct{ resuming, moving, noResume string }

var (
	getLines = moveLines{msgResuming, msgFetching, msgNoResume}
	putLines = moveLines{msgResumingUp, msgUploading, msgNoResumeUp}
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
		if !s.quiet {
			mprintf(l.noResume+"\n", dst)
		}
	case err != nil:
		return fail("%v", err)
	}
	return nil
}
