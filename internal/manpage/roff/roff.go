// Package roff holds the man pages as the binary carries them: roff made
// from docs/ at build time by internal/manpage (`go generate
// ./internal/manpage`), so that the binary needs no markdown renderer and
// no markdown. Install writes them out for `sshbox --install --man`.
//
// A plain `go build` embeds the man*/ files as they are. The release
// build (`scripts/build`, build tag manlzma) embeds them packed into one
// LZMA stream instead, pages.lzma, which scripts/build makes from the same
// files with xz: 257 KiB of roff become 72 KiB, and the pages are only
// read at an install.
package roff

import (
	"os"
	"path/filepath"

	"sshbox/internal/atomicfile"
)

// page is one man page: its path under a man directory ("man1/ssh.1") and
// its roff.
type page struct {
	path string
	data []byte
}

// Install writes every page into mandir/manN/, each replaced atomically so
// that a re-install over an older version never leaves a half-written page.
func Install(mandir string) error {
	all, err := pages()
	if err != nil {
		return err
	}
	for _, p := range all {
		dst := filepath.Join(mandir, filepath.FromSlash(p.path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(dst, p.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
