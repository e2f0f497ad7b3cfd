package transfer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/pkg/sftp"
)

// ErrResumeNotNeeded says a resumed file was already complete.
var ErrResumeNotNeeded = errors.New("resume not required")

// Get downloads the remote file src to the local path dst. With Resume it
// continues a partial dst from its size. A failure part-way leaves dst a
// correct prefix of src.
func (p *Pool) Get(src, dst, label string) error {
	var st os.FileInfo
	err := p.timed(func() (err error) {
		st, err = p.Main.Stat(src)
		return err
	})
	if err != nil {
		return fileErr(src, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf(msgNotRegular, src)
	}
	size := st.Size()
	flags := os.O_WRONLY | os.O_CREATE
	var start int64
	if p.Set.Resume {
		if lst, err := os.Stat(dst); err == nil {
			start = lst.Size()
			if start > size {
				return fmt.Errorf("Unable to resume download of \"%s\": local file is larger than remote", dst)
			}
			if start == size {
				return ErrResumeNotNeeded
			}
		}
	} else {
		flags |= os.O_TRUNC
	}
	// The remote file first, as OpenSSH's sftp opens it: a file that
	// cannot be read leaves the local one as it was.
	sessions := p.sessions(size - start)
	first, err := sessions[0].Open(src)
	if err != nil {
		return fmt.Errorf(msgOpenRemote, "remote", src, Reason(err))
	}
	out, err := os.OpenFile(dst, flags, st.Mode().Perm()|0o200)
	if err != nil {
		first.Close()
		return fmt.Errorf(msgOpenLocal, dst, Reason(err))
	}
	readers := []io.ReaderAt{first}
	// The other sessions open the file at once, not one round trip after
	// another; one that cannot is left out.
	rest := parallel(len(sessions)-1, func(i int) (*sftp.File, error) { return sessions[i+1].Open(src) })
	// Each close is a round trip: all at once.
	defer closeAll(append(rest, first))
	for _, f := range rest {
		readers = append(readers, f)
	}
	var prog *Progress
	if p.Set.Progress {
		prog = StartProgress(label, start, size)
	}
	done, err := copyRanges(readers, out, start, size, p.perSession(size-start, len(readers)), p.Set, prog)
	prog.Finish()
	if err == nil && done < size {
		err = fmt.Errorf("%s: file shrank during transfer", src)
	}
	if err != nil {
		// The in-order writer kept the file a prefix; make its size say so.
		out.Truncate(done)
		out.Close()
		var we *writeError
		if errors.As(err, &we) {
			return fileErr(dst, we.err)
		}
		return fileErr(src, err)
	}
	if p.Set.Fsync {
		// As OpenSSH's sftp: said, and the download stands.
		if err := out.Sync(); err != nil {
			fmt.Fprintf(os.Stderr, "local sync \"%s\": %s\n", dst, Reason(err))
		}
	}
	if err := out.Close(); err != nil {
		return fileErr(dst, err)
	}
	if p.Set.Preserve {
		os.Chmod(dst, st.Mode().Perm())
		if err := os.Chtimes(dst, st.ModTime(), st.ModTime()); err != nil {
			return fileErr(dst, err)
		}
		if a, ok := st.Sys().(*sftp.FileStat); ok {
			os.Chtimes(dst, timeOf(a.Atime), timeOf(a.Mtime))
		}
	}
	return nil
}

// Put uploads the local file src to the remote path dst; with Resume it
// continues a partial dst from its size.
func (p *Pool) Put(src, dst, label string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf(msgOpenLocal, src, Reason(err))
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return fileErr(src, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf(msgLocalNotRegular, src)
	}
	size := st.Size()
	flags := os.O_WRONLY | os.O_CREATE
	var start int64
	if p.Set.Resume {
		// As OpenSSH's: the file to resume must be there, and shorter.
		rst, err := p.Main.Stat(dst)
		if err != nil {
			return fmt.Errorf(msgStatRemote, Reason(err))
		}
		if start = rst.Size(); start >= size {
			return fmt.Errorf(msgResumeLarger, src)
		}
	} else {
		flags |= os.O_TRUNC
	}
	statErr := p.timed(func() error {
		_, err := p.Main.Lstat(dst)
		return err
	})
	created := errors.Is(statErr, fs.ErrNotExist)
	sessions := p.sessions(size - start)
	first, err := sessions[0].OpenFile(dst, flags)
	if err != nil {
		return fmt.Errorf(msgOpenRemote, "dest", dst, Reason(err))
	}
	files := []*sftp.File{first}
	// The others open it at once, and must not cut what the first made.
	flags &^= os.O_TRUNC
	files = append(files, parallel(len(sessions)-1, func(i int) (*sftp.File, error) { return sessions[i+1].OpenFile(dst, flags) })...)
	writers := make([]io.WriterAt, len(files))
	for i, f := range files {
		writers[i] = f
	}
	if created && !p.Set.Preserve {
		newFileMode(files[0], st.Mode().Perm())
	}
	var prog *Progress
	if p.Set.Progress {
		prog = StartProgress(label, start, size)
	}
	done, err := copyRangesOut(in, writers, start, size, p.perSession(size-start, len(writers)), p.Set, prog)
	prog.Finish()
	if err != nil {
		files[0].Truncate(done)
	} else if p.Set.Fsync {
		// fsync(2) on one handle syncs the file, whatever session wrote
		// it. As OpenSSH's sftp: nothing where the server does not
		// offer fsync@openssh.com, a failure said and the upload stands.
		if _, ok := p.Main.HasExtension("fsync@openssh.com"); ok {
			if err := files[0].Sync(); err != nil {
				fmt.Fprintf(os.Stderr, "Couldn't sync file: %s\n", Reason(err))
			}
		}
	}
	closeAll(files)
	if err != nil {
		var re *readError
		if errors.As(err, &re) {
			return fileErr(src, re.err)
		}
		return fileErr(dst, err)
	}
	if p.Set.Preserve {
		if err := p.Main.Chmod(dst, st.Mode().Perm()); err != nil {
			return fileErr(dst, err)
		}
		if err := p.Main.Chtimes(dst, atimeOf(st), st.ModTime()); err != nil {
			return fileErr(dst, err)
		}
	}
	return nil
}

// GetTree downloads the directory src into dst (created), recursively.
func (p *Pool) GetTree(src, dst string, each func(src, dst string) error) error {
	st, err := p.Main.Stat(src)
	if err != nil {
		return fileErr(src, err)
	}
	if p.Set.Dirs != nil {
		p.Set.Dirs(src)
	}
	if err := os.Mkdir(dst, st.Mode().Perm()|0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf(msgMkdirLocal, dst, Reason(err))
	}
	entries, err := p.Main.ReadDir(src)
	if err != nil {
		return fileErr(src, err)
	}
	var firstErr error
	for _, e := range entries {
		s, d := path.Join(src, e.Name()), filepath.Join(dst, e.Name())
		switch {
		case e.IsDir():
			err = p.GetTree(s, d, each)
		case e.Mode().IsRegular():
			err = each(s, d)
		case e.Mode()&fs.ModeSymlink != 0:
			if t, serr := p.Main.Stat(s); serr == nil && t.Mode().IsRegular() {
				err = each(s, d)
			} else if serr == nil && t.IsDir() {
				err = p.GetTree(s, d, each)
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	// As OpenSSH's download_dir: the directory gets the remote one's mode
	// at the end (it was made writable for the files) if all went well,
	// its times with -p.
	if firstErr == nil {
		os.Chmod(dst, st.Mode().Perm())
	}
	if p.Set.Preserve {
		os.Chtimes(dst, st.ModTime(), st.ModTime())
	}
	return firstErr
}

// PutTree uploads the local directory src into dst (created), recursively.
func (p *Pool) PutTree(src, dst string, each func(src, dst string) error) error {
	st, err := os.Stat(src)
	if err != nil {
		return fileErr(src, err)
	}
	if p.Set.Dirs != nil {
		p.Set.Dirs(src)
	}
	if err := p.Main.Mkdir(dst); err != nil {
		rst, serr := p.Main.Stat(dst)
		switch {
		case serr != nil:
			return fmt.Errorf(msgStatRemoteFile, Reason(serr))
		case !rst.IsDir():
			return fmt.Errorf(msgNotDirExists, dst)
		}
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return fileErr(src, err)
	}
	var firstErr error
	for _, e := range entries {
		s, d := filepath.Join(src, e.Name()), path.Join(dst, e.Name())
		info, serr := os.Stat(s)
		switch {
		case serr != nil:
			err = fileErr(s, serr)
		case info.IsDir():
			err = p.PutTree(s, d, each)
		case info.Mode().IsRegular():
			err = each(s, d)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	// As OpenSSH's upload_dir: the directory gets the local one's mode at
	// the end if all went well, its times with -p.
	if firstErr == nil {
		p.Main.Chmod(dst, st.Mode().Perm())
	}
	if p.Set.Preserve {
		p.Main.Chtimes(dst, atimeOf(st), st.ModTime())
	}
	return firstErr
}

// newFileMode gives a file the upload just created the local file's mode
// less the server's umask, as OpenSSH's open with attributes does. pkg/sftp
// opens without attributes, so the server made it 0666 less its umask: that
// shows the umask's read and write bits, and an execute bit is masked
// wherever the read bit is, so the result is never more open than the
// server's umask allows.
func newFileMode(f *sftp.File, local fs.FileMode) {
	st, err := f.Stat()
	if err != nil {
		return
	}
	maskRW := 0o666 &^ st.Mode().Perm()
	mask := maskRW | (maskRW&0o444)>>2
	if want := local &^ mask; want != st.Mode().Perm() {
		f.Chmod(want)
	}
}
