//go:build !manlzma

package roff

import (
	"embed"
	"io/fs"
)

//go:embed man*
var files embed.FS

// pages reads the embedded man*/ files, sorted by path (fs.WalkDir's
// order).
func pages() ([]page, error) {
	var out []page
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(path)
		out = append(out, page{path, data})
		return err
	})
	return out, err
}
