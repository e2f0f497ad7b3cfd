// Package roff holds the man pages as the binary carries them: roff made
// from docs/ at build time by internal/manpage (`go generate
// ./internal/manpage`), so that the binary needs no markdown renderer and
// no markdown. Install writes them out for `sshbox --install --man`.
package roff

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"

	"sshbox/internal/atomicfile"
)

//go:embed man*
var pages embed.FS

// Files lists the pages by their path under a man directory
// ("man1/ssh.1"), sorted.
func Files() []string {
	var out []string
	// embed.FS cannot fail to walk itself.
	fs.WalkDir(pages, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// Install writes every page into mandir/manN/, each replaced atomically so
// that a re-install over an older version never leaves a half-written page.
func Install(mandir string) error {
	for _, path := range Files() {
		data, err := pages.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(mandir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
