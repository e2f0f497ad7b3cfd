package configfmt

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// files is where configuration files are read from: nil means the
// operating system. The fuzz targets put an in-memory file system here
// (paths without their leading "/"), so that they run at the parser's speed
// and an Include pattern never walks the real disk.
var files fs.FS

func memPath(p string) string { return strings.TrimPrefix(filepath.Clean(p), "/") }

func readRaw(path string) ([]byte, error) {
	if files == nil {
		return os.ReadFile(path)
	}
	return fs.ReadFile(files, memPath(path))
}

func statFile(path string) (fs.FileInfo, error) {
	if files == nil {
		return os.Stat(path)
	}
	return fs.Stat(files, memPath(path))
}

func globFiles(pattern string) ([]string, error) {
	if files == nil {
		return filepath.Glob(pattern)
	}
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	m, err := fs.Glob(files, memPath(pattern))
	for i := range m {
		m[i] = "/" + m[i]
	}
	return m, err
}
