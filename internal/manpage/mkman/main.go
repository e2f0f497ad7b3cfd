// Command mkman renders the man pages of manpage.Pages from docs/ into
// internal/manpage/roff, where the binary embeds them. Rendering at build
// time keeps go-md2man and blackfriday (and the markdown sources) out of
// the binary; manpage's TestRoffIsCurrent fails when a docs/ page changed
// and this was not re-run:
//
//	go generate ./internal/manpage
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"sshbox/internal/manpage"
)

func main() {
	// go generate runs in internal/manpage.
	if err := manpage.Generate(filepath.Join("..", "..", "docs"), "roff"); err != nil {
		fmt.Fprintf(os.Stderr, "mkman: %v\n", err)
		os.Exit(1)
	}
}
