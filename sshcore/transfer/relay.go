package transfer

import (
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// Relay copies a remote path (a glob) on one host to a path on another
// through this host (scp -3): each file is read with many requests in
// flight from src and written to dst. warn reports a failed file and the
// copy goes on; the error returned is one that stops everything.
func Relay(src *Pool, from string, dst *Pool, to string, recursive bool, warn func(error)) error {
	matches, err := src.Main.Glob(from)
	if err != nil || len(matches) == 0 {
		return fileErr(from, os.ErrNotExist)
	}
	st, err := dst.Main.Stat(to)
	toDir := err == nil && st.IsDir()
	if len(matches) > 1 && !toDir {
		return fmt.Errorf("%s: Not a directory", to)
	}
	for _, m := range matches {
		d := to
		if toDir {
			d = path.Join(to, path.Base(m))
		}
		if err := relayOne(src, m, dst, d, recursive, warn); err != nil {
			warn(err)
		}
	}
	return nil
}

func relayOne(src *Pool, from string, dst *Pool, to string, recursive bool, warn func(error)) error {
	st, err := src.Main.Stat(from)
	if err != nil {
		return fileErr(from, err)
	}
	if st.IsDir() {
		if !recursive {
			// OpenSSH's crossload, on its glob's marked name.
			return fmt.Errorf(msgRelayNotRegular, strings.TrimSuffix(from, "/")+"/")
		}
		if err := dst.Main.Mkdir(to); err != nil {
			if s, serr := dst.Main.Stat(to); serr != nil || !s.IsDir() {
				return fileErr(to, err)
			}
		}
		entries, err := src.Main.ReadDir(from)
		if err != nil {
			return fileErr(from, err)
		}
		for _, e := range entries {
			if err := relayOne(src, path.Join(from, e.Name()), dst, path.Join(to, e.Name()), recursive, warn); err != nil {
				warn(err)
			}
		}
		if src.Set.Preserve {
			dst.Main.Chmod(to, st.Mode().Perm())
			dst.Main.Chtimes(to, st.ModTime(), st.ModTime())
		}
		return nil
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf(msgRelayNotRegular, from)
	}
	in, err := src.Main.Open(from)
	if err != nil {
		return fmt.Errorf(msgOpenRemote, "origin", from, Reason(err))
	}
	defer in.Close()
	out, err := dst.Main.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return fmt.Errorf(msgOpenRemote, "dest", to, Reason(err))
	}
	var prog *Progress
	if src.Set.Progress {
		prog = StartProgress(path.Base(from), 0, st.Size())
	}
	// WriteTo reads with requests in flight and writes in order.
	_, err = in.WriteTo(&countingWriter{w: out, prog: prog, limit: src.Set.Limit})
	prog.Finish()
	cerr := out.Close()
	if err != nil {
		return fileErr(to, err)
	}
	if cerr != nil {
		return fileErr(to, cerr)
	}
	if src.Set.Preserve {
		dst.Main.Chmod(to, st.Mode().Perm())
		dst.Main.Chtimes(to, st.ModTime(), st.ModTime())
	}
	return nil
}

type countingWriter struct {
	w     io.Writer
	prog  *Progress
	limit *Limiter
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.limit.Wait(len(p))
	n, err := c.w.Write(p)
	c.prog.Add(int64(n))
	return n, err
}
