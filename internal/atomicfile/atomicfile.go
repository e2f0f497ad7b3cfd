// Package atomicfile writes files the way design.md §6 demands: to a
// temporary file in the same directory, synced, then renamed over the
// original, so that a failed or interrupted write leaves the old file whole.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile replaces path with data. An existing file keeps its mode (and,
// when run as root, its owner); a new file gets perm.
//
// A symbolic link is followed and its target rewritten, so that a
// known_hosts kept elsewhere (dotfile managers do this) stays linked. A path
// that is not a regular file (/dev/null given as UserKnownHostsFile, a FIFO, a
// directory) is refused: renaming over it would replace a device node.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	path, err := target(path)
	if err != nil {
		return err
	}
	mode := perm
	uid, gid := -1, -1
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
		if sys, ok := statOwner(st); ok {
			uid, gid = sys[0], sys[1]
		}
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if uid >= 0 && os.Geteuid() == 0 {
		if err := tmp.Chown(uid, gid); err != nil {
			return fail(err)
		}
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("%s: %w", path, err)
	}
	// Make the rename itself durable.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// target resolves symbolic links in path's last element and refuses paths
// that exist but are not regular files.
func target(path string) (string, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(path)
		if err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		path = resolved
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s: not a regular file, not rewriting it", path)
	}
	return path, nil
}

// Append adds data at the end of path through WriteFile, so that even an
// append never leaves a half-written line behind. A missing file is created
// with perm.
func Append(path string, data []byte, perm os.FileMode) error {
	path, err := target(path)
	if err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(old) > 0 && old[len(old)-1] != '\n' && len(data) > 0 {
		old = append(old, '\n')
	}
	return WriteFile(path, append(old, data...), perm)
}
