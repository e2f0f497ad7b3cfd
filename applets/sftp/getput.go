package sftp

import (
	"errors"
	"fmt"
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
		if !s.quiet {
			if resume {
				fmt.Printf(msgResuming+"\n", src, d)
			} else {
				fmt.Printf(msgFetching+"\n", src, d)
			}
		}
		err := s.pool.Get(src, d, path.Base(src))
		switch {
		case errors.Is(err, transfer.ErrResumeNotNeeded):
			if !s.quiet {
				fmt.Printf(msgNoResume+"\n", d)
			}
		case err != nil:
			failed = fail("%v", err)
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
				failed = fail(msgSkipDir, m)
				continue
			}
			if !s.quiet {
				fmt.Printf(msgFetchDir+"\n", m, d)
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
		if !s.quiet {
			if resume {
				fmt.Printf(msgResumingUp+"\n", src, d)
			} else {
				fmt.Printf(msgUploading+"\n", src, d)
			}
		}
		err := s.pool.Put(src, d, filepath.Base(src))
		switch {
		case errors.Is(err, transfer.ErrResumeNotNeeded):
			if !s.quiet {
				fmt.Printf(msgNoResumeUp+"\n", d)
			}
		case err != nil:
			failed = fail("%v", err)
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
				failed = fail(msgSkipDir, m)
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
