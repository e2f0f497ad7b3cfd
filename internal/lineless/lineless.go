// Package lineless rewrites Go source so that every token is recorded at
// line 1 of an unnamed file. The release build (scripts/build) compiles
// every package that way, through cmd/lineless as the go command's
// -toolexec: a Go binary carries, beside each function, tables that map
// every instruction to its file and line (.gopclntab's pcfile and pcline
// tables, kept by a stripped binary too, for tracebacks), and with one
// position per function they shrink to an entry each. The instructions do
// not change, so a release binary's traceback (function names and PC
// offsets, which stay) maps onto file and line with `go tool addr2line` on
// a build of the same commit with positions (scripts/build -l).
package lineless

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
)

// Directive is what Collapse puts before the first token of each line: a
// line directive without file name or column, which records the next
// character at line 1 of a file with an empty name (cmd/compile's "Line
// directives"). The block form applies where it stands, so it can sit in
// front of a token without changing the line the token is on.
const Directive = "/*line :1*/"

// Collapse returns src with Directive in front of the first token other
// than a comment on each line, so that every token is at line 1. Tokens,
// comments (build constraints and //go: directives among them, which must
// start their line and are never preceded) and the text of strings spanning
// lines are left as they were: the compiler sees the same program. src
// that does not scan as Go is an error, naming name and the position.
func Collapse(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, src, errs.Add, scanner.ScanComments)
	var at []int
	lastLine := 0
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.COMMENT || tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		if line := file.Line(pos); line != lastLine {
			lastLine = line
			at = append(at, file.Offset(pos))
		}
	}
	if errs.Len() > 0 {
		errs.Sort()
		return nil, fmt.Errorf("%v", errs[0])
	}
	var b bytes.Buffer
	b.Grow(len(src) + len(at)*len(Directive))
	prev := 0
	for _, off := range at {
		b.Write(src[prev:off])
		b.WriteString(Directive)
		prev = off
	}
	b.Write(src[prev:])
	return b.Bytes(), nil
}
