package roff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/lzma"
)

// onDisk reads the man*/ files as go generate wrote them.
func onDisk(t *testing.T) map[string]string {
	t.Helper()
	paths, _ := filepath.Glob("man*/*")
	if len(paths) < 10 {
		t.Fatalf("only %d pages in man*/", len(paths))
	}
	out := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.ToSlash(p)] = string(b)
	}
	return out
}

// samePages: got holds every page on disk, whole, in path order.
func samePages(t *testing.T, what string, got []page) {
	t.Helper()
	want := onDisk(t)
	if len(got) != len(want) {
		t.Errorf("%s: %d pages, %d on disk", what, len(got), len(want))
	}
	for i, p := range got {
		if w, ok := want[p.path]; !ok || w != string(p.data) || !strings.HasPrefix(w, ".TH ") {
			t.Errorf("%s: %s: %d bytes differ from the file's %d", what, p.path, len(p.data), len(w))
		}
		if i > 0 && got[i-1].path >= p.path {
			t.Errorf("%s: %s after %s", what, p.path, got[i-1].path)
		}
	}
}

// TestInstallWritesEveryPage: each embedded page lands under its section's
// directory, whole, and a second install replaces rather than fails.
func TestInstallWritesEveryPage(t *testing.T) {
	dir := t.TempDir()
	for round := 0; round < 2; round++ {
		if err := Install(dir); err != nil {
			t.Fatalf("install %d: %v", round, err)
		}
	}
	var installed []page
	for path := range onDisk(t) {
		b, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		installed = append(installed, page{path, b})
	}
	all, err := pages()
	if err != nil {
		t.Fatal(err)
	}
	samePages(t, "embedded", all)
	if len(installed) != len(all) {
		t.Errorf("%d pages installed, %d embedded", len(installed), len(all))
	}
}

// TestPackedPages: what scripts/manpack makes for the release build
// decodes and unpacks into the files on disk.
func TestPackedPages(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pages.lzma")
	if b, err := exec.Command("../../../scripts/manpack", out).CombinedOutput(); err != nil {
		t.Fatalf("scripts/manpack: %v\n%s", err, b)
	}
	packed, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	data, err := lzma.Decode(packed, maxUnpacked)
	if err != nil {
		t.Fatal(err)
	}
	all, err := unpack(data)
	if err != nil {
		t.Fatal(err)
	}
	samePages(t, "packed", all)
}

func TestUnpackRefusesDamage(t *testing.T) {
	for _, bad := range []string{
		"man1/a.1 3\nabc" + "man1/a.1 1\nx", // the same path twice
		"man5/b.5 1\nx" + "man1/a.1 1\nx",   // out of order
		"man1/a.1 4\nabc",                   // size past the end
		"man1/a.1 -1\n",
		"man1/a.1\nabc",
		"man1/a.1 3",
		"../a.1 1\nx",
		"man1/../../a 1\nx",
		"/etc/passwd 1\nx",
	} {
		if _, err := unpack([]byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "man pages: byte ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if got, err := unpack([]byte("man1/a.1 3\nabcman1/b.1 0\n")); err != nil || len(got) != 2 || string(got[0].data) != "abc" || got[1].path != "man1/b.1" {
		t.Errorf("good input: %v %q", err, got)
	}
}
