package transfer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Receive is the sink: files and directories arrive into target (a
// directory, or with a single file its new name). It speaks first.
func (s *SCP) Receive(target string) error {
	st, err := os.Stat(target)
	isDir := err == nil && st.IsDir()
	if s.TargetDir && !isDir {
		s.runErr(fmt.Sprintf("%s: %s", target, "Not a directory"))
		return &errFatal{"target not a directory"}
	}
	s.Out.Write([]byte{0})
	return s.sink(target, isDir, 0)
}

// sink handles the control lines of one directory level.
func (s *SCP) sink(target string, isDir bool, depth int) error {
	var times *Header
	for {
		b, err := s.In.ReadByte()
		if err == io.EOF {
			if depth > 0 {
				return &errFatal{"lost connection"}
			}
			return nil
		}
		if err != nil {
			return &errFatal{"lost connection"}
		}
		line, err := s.In.ReadString('\n')
		if err != nil {
			return &errFatal{"lost connection"}
		}
		line = strings.TrimSuffix(line, "\n")
		switch b {
		case 1, 2:
			s.Errs++
			s.show(line + "\n")
			if b == 2 {
				return &errFatal{line}
			}
			continue
		}
		h, err := ParseHeader(string(b) + line)
		if err != nil {
			s.runFatal(err.Error())
			return &errFatal{err.Error()}
		}
		switch h.Kind {
		case 'E':
			if depth == 0 {
				s.runFatal("protocol error: unexpected <newline>")
				return &errFatal{"unexpected E"}
			}
			s.Out.Write([]byte{0})
			return nil
		case 'T':
			times = &h
			s.Out.Write([]byte{0})
			continue
		}
		dst := target
		if isDir {
			dst = filepath.Join(target, h.Name)
		}
		if h.Kind == 'D' {
			if !s.Recursive {
				s.runFatal("received directory without -r")
				return &errFatal{"directory without -r"}
			}
			if err := s.sinkDir(dst, h, times); err != nil {
				return err
			}
		} else if err := s.sinkFile(dst, h, times); err != nil {
			return err
		}
		times = nil
	}
}

// runFatal tells the peer we give up.
func (s *SCP) runFatal(msg string) {
	s.Errs++
	fmt.Fprintf(s.Out, "\x02scp: %s\n", msg)
	s.show(msg + "\n")
}

func (s *SCP) sinkDir(dst string, h Header, times *Header) error {
	st, err := os.Stat(dst)
	switch {
	case err == nil && !st.IsDir():
		s.runErr(fmt.Sprintf("%s: Not a directory", dst))
		// The peer will send the directory's contents anyway: skip them
		// by sinking into a place that refuses everything is not
		// possible, so give up as OpenSSH does.
		return &errFatal{"not a directory"}
	case err != nil:
		if err := os.Mkdir(dst, fs.FileMode(h.Mode&0o777)|0o700); err != nil {
			s.runErr(fmt.Sprintf("%s: %s", dst, Reason(err)))
			return &errFatal{err.Error()}
		}
	}
	s.Out.Write([]byte{0})
	if err := s.sink(dst, true, 1); err != nil {
		return err
	}
	if s.Preserve {
		os.Chmod(dst, fs.FileMode(h.Mode&0o777))
		if times != nil {
			os.Chtimes(dst, times.Atime, times.Mtime)
		}
	}
	return nil
}

func (s *SCP) sinkFile(dst string, h Header, times *Header) error {
	mode := fs.FileMode(h.Mode & 0o777)
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE, mode|0o200)
	if err != nil {
		s.runErr(fmt.Sprintf("%s: %s", dst, Reason(err)))
		// The data follows regardless; it must be read and dropped.
		if _, err := io.CopyN(io.Discard, s.In, h.Size); err != nil {
			return &errFatal{"lost connection"}
		}
		s.response()
		return nil
	}
	s.Out.Write([]byte{0})
	var prog *Progress
	if s.Set.Progress && !s.Remote {
		prog = StartProgress(h.Name, 0, h.Size)
	}
	n, cerr := copyLimited(f, io.LimitReader(s.In, h.Size), s.Set.Limit, prog)
	prog.Finish()
	var werr error
	var we *writeError
	if errors.As(cerr, &we) {
		werr = we.err
		// Keep reading what the peer sends, to stay in step.
		if _, err := io.CopyN(io.Discard, s.In, h.Size-n); err != nil {
			f.Close()
			return &errFatal{"lost connection"}
		}
	} else if cerr != nil || n < h.Size {
		f.Close()
		return &errFatal{"lost connection"}
	}
	if werr == nil {
		if err := f.Truncate(h.Size); err != nil {
			werr = err
		}
	}
	// A new file got the header's mode through the umask; -p sets it
	// exactly.
	if s.Preserve && werr == nil {
		f.Chmod(mode)
	}
	if err := f.Close(); err != nil && werr == nil {
		werr = err
	}
	if s.Preserve && times != nil && werr == nil {
		if err := os.Chtimes(dst, times.Atime, times.Mtime); err != nil {
			werr = err
		}
	}
	ackErr := s.response()
	if werr != nil {
		s.runErr(fmt.Sprintf("%s: %s", dst, Reason(werr)))
		return nil
	}
	var fe *errFatal
	if errors.As(ackErr, &fe) {
		return ackErr
	}
	s.Out.Write([]byte{0})
	return nil
}
