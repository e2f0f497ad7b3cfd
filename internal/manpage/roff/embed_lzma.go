//go:build manlzma

package roff

import (
	_ "embed"
	"fmt"

	"sshbox/internal/lzma"
)

// packed is what scripts/build writes from the man*/ files: for each page,
// sorted by path, a line "PATH SIZE\n" and then SIZE bytes of roff, all
// compressed by `xz --format=lzma`.
//
//go:embed pages.lzma
var packed []byte

func pages() ([]page, error) {
	data, err := lzma.Decode(packed, maxUnpacked)
	if err != nil {
		return nil, fmt.Errorf("man pages: %v", err)
	}
	return unpack(data)
}
