package roff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallWritesEveryPage: each embedded page lands under its section's
// directory, whole, and a second install replaces rather than fails.
func TestInstallWritesEveryPage(t *testing.T) {
	dir := t.TempDir()
	files := Files()
	if len(files) == 0 {
		t.Fatal("no pages embedded")
	}
	for round := 0; round < 2; round++ {
		if err := Install(dir); err != nil {
			t.Fatalf("install %d: %v", round, err)
		}
	}
	for _, f := range files {
		want, _ := pages.ReadFile(f)
		have, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || string(have) != string(want) || !strings.HasPrefix(string(have), ".TH ") {
			t.Errorf("%s: %v, %d bytes of %d", f, err, len(have), len(want))
		}
	}
}
