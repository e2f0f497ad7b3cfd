package sftpfilter

import (
	"os"
	"path/filepath"
	"testing"

	"sshbox/internal/wire"
)

// fsync@openssh.com syncs a handle's file, by a relative or an absolute
// path; a handle it never saw opened, or whose path now names another
// file, fails; read-only mode and -P fsync refuse it.
func TestFsync(t *testing.T) {
	const read, write = 1, 2
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o600)
	c := serve(t, dir, false, Policy{})
	fsync := func(h string) uint32 {
		return statusCode(c.recv(c.send(fxpExtended, wire.AppendString(wire.AppendString(nil, "fsync@openssh.com"), h))))
	}
	rel := c.open("f", write)
	abs := c.open(filepath.Join(dir, "f"), read)
	if code := fsync(rel); code != fxOK {
		t.Errorf("relative path: status %d", code)
	}
	if code := fsync(abs); code != fxOK {
		t.Errorf("absolute path: status %d", code)
	}
	if code := fsync("no such handle"); code != fxFailure {
		t.Errorf("unknown handle: status %d", code)
	}
	// Another file put in the path's place: not the handle's file.
	os.WriteFile(filepath.Join(dir, "g"), []byte("other"), 0o600)
	if err := os.Rename(filepath.Join(dir, "g"), filepath.Join(dir, "f")); err != nil {
		t.Fatal(err)
	}
	if code := fsync(rel); code != fxFailure {
		t.Errorf("path replaced: status %d, want failure", code)
	}

	ro := serve(t, dir, true, Policy{})
	h := ro.open("f", read)
	if code := statusCode(ro.recv(ro.send(fxpExtended, wire.AppendString(wire.AppendString(nil, "fsync@openssh.com"), h)))); code != fxPermissionDenied {
		t.Errorf("read-only: status %d", code)
	}
	den := serve(t, dir, false, Policy{Denied: []string{"fsync"}})
	h = den.open("f", read)
	if code := statusCode(den.recv(den.send(fxpExtended, wire.AppendString(wire.AppendString(nil, "fsync@openssh.com"), h)))); code != fxPermissionDenied {
		t.Errorf("-P fsync: status %d", code)
	}
}
