package lineless

import (
	"bytes"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

type tok struct {
	tok token.Token
	lit string
}

// tokens scans src and returns its tokens, comments and the semicolons the
// scanner inserts at line ends included, leaving out Collapse's directives.
func tokens(t testing.TB, src []byte) []tok {
	t.Helper()
	fset := token.NewFileSet()
	var s scanner.Scanner
	var errs scanner.ErrorList
	s.Init(fset.AddFile("x.go", -1, len(src)), src, errs.Add, scanner.ScanComments)
	var out []tok
	for {
		_, tk, lit := s.Scan()
		if tk == token.EOF {
			break
		}
		if tk == token.COMMENT && lit == Directive {
			continue
		}
		out = append(out, tok{tk, lit})
	}
	if errs.Len() > 0 {
		t.Fatalf("rescanning: %v", errs[0])
	}
	return out
}

// checkSame fails unless out is src with directives added before the first
// non-comment token of each line and nothing else changed.
func checkSame(t testing.TB, src, out []byte) {
	t.Helper()
	a, b := tokens(t, src), tokens(t, out)
	if len(a) != len(b) {
		t.Fatalf("%d tokens before, %d after", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("token %d: %v %q became %v %q", i, a[i].tok, a[i].lit, b[i].tok, b[i].lit)
		}
	}
	if !insertedOnly(out, src) {
		t.Fatalf("text other than the directives changed:\n%s", out)
	}
}

// insertedOnly reports whether out is src with copies of Directive
// inserted. Where both go on with a directive it is src's own (Collapse
// puts one only before a token that is not a comment).
func insertedOnly(out, src []byte) bool {
	d := []byte(Directive)
	for len(out) > 0 || len(src) > 0 {
		switch {
		case bytes.HasPrefix(out, d) && !bytes.HasPrefix(src, d):
			out = out[len(d):]
		case len(out) > 0 && len(src) > 0 && out[0] == src[0]:
			out, src = out[1:], src[1:]
		default:
			return false
		}
	}
	return true
}

const sample = "//go:build linux\n" +
	"\n" +
	"// Package p is a sample.\n" +
	"package p\n" +
	"\n" +
	"import _ \"embed\"\n" +
	"\n" +
	"//go:embed lineless.go\n" +
	"var text string\n" +
	"\n" +
	"/* a block comment\n" +
	"   over two lines */ var a = 1\n" +
	"\n" +
	"var raw = `first\n" +
	"second /*line :9*/ ` + \"x\"\n" +
	"\n" +
	"//go:noinline\n" +
	"func f(x int) int { /* c */ return x +\n" +
	"\t\t1 }\n"

func TestCollapse(t *testing.T) {
	out, err := Collapse("p.go", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	checkSame(t, []byte(sample), out)
	want := "//go:build linux\n" +
		"\n" +
		"// Package p is a sample.\n" +
		Directive + "package p\n" +
		"\n" +
		Directive + "import _ \"embed\"\n" +
		"\n" +
		"//go:embed lineless.go\n" +
		Directive + "var text string\n" +
		"\n" +
		"/* a block comment\n" +
		"   over two lines */ " + Directive + "var a = 1\n" +
		"\n" +
		Directive + "var raw = `first\n" +
		"second /*line :9*/ ` " + Directive + "+ \"x\"\n" +
		"\n" +
		"//go:noinline\n" +
		Directive + "func f(x int) int { /* c */ return x +\n" +
		"\t\t" + Directive + "1 }\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestCollapseRefusesWhatDoesNotScan(t *testing.T) {
	_, err := Collapse("bad.go", []byte("package p\n\nvar s = \"open\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "bad.go:3:") {
		t.Fatalf("error %v, want one naming bad.go:3", err)
	}
}

// TestCollapseStandardLibrary rewrites the sources of a few standard
// packages (the runtime's among them: assembly-adjacent, directive-heavy)
// and checks that only the directives were added.
func TestCollapseStandardLibrary(t *testing.T) {
	for _, pkg := range []string{"runtime", "fmt", "crypto/aes", "go/scanner"} {
		files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", pkg, "*.go"))
		if len(files) == 0 {
			t.Skipf("no sources for %s under GOROOT", pkg)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Collapse(f, src)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			checkSame(t, src, out)
		}
	}
}

func FuzzCollapse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("package p\nfunc f() {\n\tx := `a\nb`; _ = x\n}\n"))
	f.Add([]byte("package p\r\nvar x = 'a'\r\n/*line :3*/var y = 2\r\n"))
	f.Add([]byte("\uFEFFpackage p; var z = 1"))
	f.Add([]byte("package p\nvar x = 4 +\n/ 2\n/*line :1*/var y = 1\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		out, err := Collapse("f.go", src)
		if err != nil {
			return
		}
		checkSame(t, src, out)
	})
}
