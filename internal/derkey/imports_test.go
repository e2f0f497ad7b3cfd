package derkey

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports: the package exists to keep crypto/x509 and encoding/asn1's
// reflection out of the binary; of encoding/asn1 it may name the types
// cryptobyte uses, nothing else; and it imports nothing of sshbox's.
func TestImports(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		asn1 := ""
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch path {
			case "crypto/x509", "reflect", "encoding/json", "text/template", "regexp":
				t.Errorf("%s imports %s", name, path)
			default:
				// scripts/xcrypto copies the package into x/crypto,
				// which cannot import sshbox's packages.
				if strings.HasPrefix(path, "sshbox/") {
					t.Errorf("%s imports %s", name, path)
				}
			case "encoding/asn1":
				asn1 = "asn1"
				if imp.Name != nil {
					asn1 = imp.Name.Name
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == asn1 &&
					sel.Sel.Name != "ObjectIdentifier" && sel.Sel.Name != "BitString" {
					t.Errorf("%s: %s uses encoding/asn1.%s", fset.Position(n.Pos()), name, sel.Sel.Name)
				}
			}
			return true
		})
	}
}
