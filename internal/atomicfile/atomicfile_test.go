package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileKeepsModeAndReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(p, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o640)
	if err := WriteFile(p, []byte("new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "new\n" {
		t.Fatalf("content %q", got)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640 kept", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary file left behind: %v", entries)
	}
}

func TestWriteFileNewGetsPerm(t *testing.T) {
	p := filepath.Join(t.TempDir(), "id_ed25519")
	if err := WriteFile(p, []byte("k"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
}

func TestFailedWriteLeavesOldFile(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores directory permissions; use a missing directory instead.
		p := filepath.Join(t.TempDir(), "missing", "f")
		if err := WriteFile(p, []byte("x"), 0o600); err == nil {
			t.Fatal("write into a missing directory succeeded")
		}
		return
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o600)
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if err := WriteFile(p, []byte("new"), 0o600); err == nil {
		t.Fatal("write into a read-only directory succeeded")
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Fatalf("old file damaged: %q", got)
	}
}

func TestAppendAddsNewlineBetween(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("a"), 0o600)
	if err := Append(p, []byte("b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "a\nb\n" {
		t.Fatalf("got %q", got)
	}
}

func TestRefusesNonRegularFiles(t *testing.T) {
	// /dev/null is the classic UserKnownHostsFile; as root a rename would
	// replace the device node.
	if err := WriteFile(os.DevNull, []byte("x"), 0o600); err == nil {
		t.Fatal("WriteFile over /dev/null succeeded")
	}
	if err := Append(os.DevNull, []byte("x"), 0o600); err == nil {
		t.Fatal("Append to /dev/null succeeded")
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/null damaged: %v %v", st, err)
	}
	dir := t.TempDir()
	if err := WriteFile(dir, []byte("x"), 0o600); err == nil {
		t.Fatal("WriteFile over a directory succeeded")
	}
}

func TestFollowsSymlinkToItsTarget(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	link := filepath.Join(dir, "known_hosts")
	os.WriteFile(real, []byte("a\n"), 0o644)
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := Append(link, []byte("b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi, err)
	}
	if got, _ := os.ReadFile(real); string(got) != "a\nb\n" {
		t.Fatalf("target holds %q", got)
	}
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "dangling"), []byte("x"), 0o600); err == nil {
		t.Fatal("a dangling link was written through")
	}
}
