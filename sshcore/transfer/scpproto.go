package transfer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sshbox/internal/unixmode"
)

// SCP is one side of the old scp protocol (rcp's): a source sends files
// with C/D/E/T control lines, a sink answers each with a status byte (0
// ok, 1 warning, 2 fatal, the last two followed by a message line).
type SCP struct {
	In        *bufio.Reader
	Out       io.Writer
	Recursive bool // -r
	Preserve  bool // -p
	TargetDir bool // -d: the target must be a directory
	Set       Settings
	// Remote says we are `scp -t`/`scp -f`: errors go to the peer, not to
	// our stderr.
	Remote bool
	// Errs counts the files that failed; the exit status is 1 if any did.
	Errs int
	// Show writes text to the user's terminal as OpenSSH's scp does with
	// fmprintf: the peer's status lines whole (their "scp: " is the
	// peer's), our own failures without a prefix.
	Show func(text string)
}

// show passes text to Show unless we are the remote end.
func (s *SCP) show(text string) {
	if !s.Remote && s.Show != nil {
		s.Show(text)
	}
}

// errFatal ends the protocol: the other side has gone or is confused.
type errFatal struct{ msg string }

func (e *errFatal) Error() string { return e.msg }

// runErr reports a failed file: to the peer as a warning line, and to the
// user unless we are the remote end.
func (s *SCP) runErr(msg string) {
	s.Errs++
	fmt.Fprintf(s.Out, "\x01scp: %s\n", msg)
	s.show(msg + "\n")
}

// response reads the peer's status byte; a warning is shown and returned
// as an error for this file, a fatal one ends the protocol.
func (s *SCP) response() error {
	b, err := s.In.ReadByte()
	if err != nil {
		return &errFatal{"lost connection"}
	}
	switch b {
	case 0:
		return nil
	case 1, 2:
		line, _ := s.In.ReadString('\n')
		line = strings.TrimSuffix(line, "\n")
		s.show(line + "\n")
		s.Errs++
		if b == 2 {
			return &errFatal{line}
		}
		return errors.New(line)
	}
	// Anything else is a message without a status byte (a remote
	// shell's complaint): show it whole, and give up.
	line, _ := s.In.ReadString('\n')
	line = string(b) + strings.TrimSuffix(line, "\n")
	s.show(line + "\n")
	s.Errs++
	return &errFatal{line}
}

// Send is the source: each path (a local file or, with Recursive, a
// directory) is sent. When we are the remote end (`scp -f`) the sink
// speaks first.
func (s *SCP) Send(paths []string) error {
	if err := s.response(); err != nil {
		return err
	}
	for _, p := range paths {
		if err := s.sendPath(p); err != nil {
			var fe *errFatal
			if errors.As(err, &fe) {
				return err
			}
		}
	}
	return nil
}

func (s *SCP) sendPath(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		s.runErr(fmt.Sprintf("%s: %s", p, Reason(err)))
		return err
	}
	name := filepath.Base(p)
	if st.IsDir() {
		if !s.Recursive {
			s.runErr(fmt.Sprintf("%s: not a regular file", p))
			return errors.New("not regular")
		}
		return s.sendDir(p, name, st)
	}
	if !st.Mode().IsRegular() {
		s.runErr(fmt.Sprintf("%s: not a regular file", p))
		return errors.New("not regular")
	}
	return s.sendFile(p, name, st)
}

func (s *SCP) sendTimes(st fs.FileInfo) error {
	if !s.Preserve {
		return nil
	}
	h := Header{Kind: 'T', Mtime: st.ModTime(), Atime: atimeOf(st)}
	fmt.Fprintf(s.Out, "%s\n", h)
	return s.response()
}

func (s *SCP) sendFile(p, name string, st fs.FileInfo) error {
	f, err := os.Open(p)
	if err != nil {
		s.runErr(fmt.Sprintf("%s: %s", p, Reason(err)))
		return err
	}
	defer f.Close()
	if err := s.sendTimes(st); err != nil {
		return err
	}
	h := Header{Kind: 'C', Mode: unixmode.Perm(st.Mode()), Size: st.Size(), Name: name}
	fmt.Fprintf(s.Out, "%s\n", h)
	if err := s.response(); err != nil {
		return err
	}
	var prog *Progress
	if s.Set.Progress && !s.Remote {
		prog = StartProgress(name, 0, st.Size())
	}
	n, rerr := copyLimited(s.Out, io.LimitReader(f, st.Size()), s.Set.Limit, prog)
	prog.Finish()
	if rerr == nil && n < st.Size() {
		rerr = io.ErrUnexpectedEOF
	}
	if rerr != nil {
		var we *writeError
		if errors.As(rerr, &we) {
			return &errFatal{"lost connection"}
		}
		// The peer expects size bytes: pad, then say it failed.
		io.CopyN(s.Out, zeroReader{}, st.Size()-n)
		s.runErr(fmt.Sprintf("%s: %s", p, Reason(rerr)))
		s.response()
		return rerr
	}
	s.Out.Write([]byte{0})
	return s.response()
}

func (s *SCP) sendDir(p, name string, st fs.FileInfo) error {
	if err := s.sendTimes(st); err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "%s\n", Header{Kind: 'D', Mode: unixmode.Perm(st.Mode()), Name: name})
	if err := s.response(); err != nil {
		return err
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		s.runErr(fmt.Sprintf("%s: %s", p, Reason(err)))
	}
	for _, e := range entries {
		if err := s.sendPath(filepath.Join(p, e.Name())); err != nil {
			var fe *errFatal
			if errors.As(err, &fe) {
				return err
			}
		}
	}
	fmt.Fprint(s.Out, "E\n")
	return s.response()
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// copyLimited copies with the bandwidth limit and the meter; a write
// failure is a writeError, a read failure returned as is.
func copyLimited(w io.Writer, r io.Reader, l *Limiter, prog *Progress) (int64, error) {
	buf := make([]byte, 32*1024)
	var n int64
	for {
		m, err := r.Read(buf)
		if m > 0 {
			l.Wait(m)
			if _, werr := w.Write(buf[:m]); werr != nil {
				return n, &writeError{werr}
			}
			n += int64(m)
			prog.Add(int64(m))
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
