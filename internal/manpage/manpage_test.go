package manpage

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnlyNamesExistingSections: a title in Only that the source lacks
// would silently leave a part out of the page.
func TestOnlyNamesExistingSections(t *testing.T) {
	for _, p := range Pages {
		src, err := os.ReadFile(filepath.Join("..", "..", "docs", p.Source))
		if err != nil {
			t.Errorf("%s: %v", p.FileName(), err)
			continue
		}
		_, sections := split(string(src))
		for _, want := range p.Only {
			found := false
			for _, s := range sections {
				found = found || s.title == want
			}
			if !found {
				t.Errorf("%s: %s has no section %q", p.FileName(), p.Source, want)
			}
		}
	}
}

func TestRenderCutsAndNests(t *testing.T) {
	src := "# title\n\nintro text\n\n## Keep\n\nkept body\n\n### Child\n\nchild body\n\n```\n# not a heading\n```\n\n## Drop\n\ndropped body\n\n### Orphan\n\norphan body\n"
	roff, err := Render(Page{Name: "x", Section: 1, Summary: "sum", Only: []string{"Keep", "Child", "Orphan"}}, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	out := string(roff)
	for _, want := range []string{".TH \"X\" 1", "x \\- sum", "intro text", ".SH Keep", ".SS Child", "# not a heading", ".SH Orphan", "orphan body"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "dropped body") {
		t.Errorf("a section left out of Only is on the page:\n%s", out)
	}
}

// FuzzRender: any markdown renders or is an error; it never panics, and
// what renders starts with the page's title line.
func FuzzRender(f *testing.F) {
	f.Add([]byte("# t\n\n## a\n\ntext\n\n### b\n\n```\n## c\n```\n"))
	f.Add([]byte("#\n##\n###x\n## \n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, p := range []Page{{Name: "f", Section: 1, Summary: "s"}, {Name: "f", Section: 5, Summary: "s", Only: []string{"a", "b"}}} {
			roff, err := Render(p, src)
			if err == nil && !bytes.HasPrefix(roff, []byte(".TH \"F\" ")) {
				t.Fatalf("%q: no title line: %q", src, roff)
			}
		}
	})
}

// TestRenderRefuses: a footnote reference without text, on which go-md2man
// panics, is an error naming what could not be read.
func TestRenderRefuses(t *testing.T) {
	_, err := Render(Page{Name: "f", Section: 1, Summary: "s"}, []byte("text ^[]\n"))
	if err == nil || !strings.Contains(err.Error(), "markdown the man page renderer cannot read") {
		t.Fatalf("err = %v", err)
	}
}

// TestRoffIsCurrent: the pages the binary embeds (roff/, written by
// `go generate ./internal/manpage`) are what the docs render to now, and
// there are no others.
func TestRoffIsCurrent(t *testing.T) {
	fresh := t.TempDir()
	if err := Generate(filepath.Join("..", "..", "docs"), fresh); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range Pages {
		seen[p.Path()] = true
		want, err := os.ReadFile(filepath.Join(fresh, filepath.FromSlash(p.Path())))
		if err != nil {
			t.Fatal(err)
		}
		have, err := os.ReadFile(filepath.Join("roff", filepath.FromSlash(p.Path())))
		if err != nil || !bytes.Equal(have, want) {
			t.Errorf("roff/%s is not what docs/%s renders to: run go generate ./internal/manpage", p.Path(), p.Source)
		}
	}
	committed, _ := filepath.Glob(filepath.Join("roff", "man*", "*"))
	for _, path := range committed {
		rel, _ := filepath.Rel("roff", path)
		if !seen[filepath.ToSlash(rel)] {
			t.Errorf("%s is no page of Pages: run go generate ./internal/manpage", path)
		}
	}
}
