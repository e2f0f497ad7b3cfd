package sftpfilter

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"syscall"
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

// lsetstat@openssh.com changes a link's owner, not its target's; a size
// is a bad message; read-only mode refuses it.
func TestLsetstat(t *testing.T) {
	const read = 1
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o600)
	os.Symlink("f", filepath.Join(dir, "l"))
	c := serve(t, dir, false, Policy{})
	lsetstat := func(c *rawClient, path string, attrs ...uint32) uint32 {
		p := wire.AppendString(wire.AppendString(nil, "lsetstat@openssh.com"), path)
		for _, a := range attrs {
			p = binary.BigEndian.AppendUint32(p, a)
		}
		return statusCode(c.recv(c.send(fxpExtended, p)))
	}
	if code := lsetstat(c, "l", attrUIDGID, 54321, 54322); code != fxOK {
		t.Fatalf("chown -h: status %d", code)
	}
	var l, f syscall.Stat_t
	syscall.Lstat(filepath.Join(dir, "l"), &l)
	syscall.Lstat(filepath.Join(dir, "f"), &f)
	if l.Uid != 54321 || l.Gid != 54322 || f.Uid == 54321 {
		t.Errorf("link %d:%d, target %d:%d", l.Uid, l.Gid, f.Uid, f.Gid)
	}
	if code := lsetstat(c, "l", attrACModTime, 1000000000, 1234567890); code != fxOK {
		t.Errorf("times: status %d", code)
	}
	syscall.Lstat(filepath.Join(dir, "l"), &l)
	syscall.Lstat(filepath.Join(dir, "f"), &f)
	if l.Mtim.Sec != 1234567890 || f.Mtim.Sec == 1234567890 {
		t.Errorf("times: link mtime %d, target %d", l.Mtim.Sec, f.Mtim.Sec)
	}
	if code := lsetstat(c, "l", attrSize, 0, 0); code != fxBadMessage {
		t.Errorf("a size: status %d", code)
	}
	if code := lsetstat(c, "nonexist", attrUIDGID, 1, 1); code != fxNoSuchFile {
		t.Errorf("a missing file: status %d", code)
	}
	if code := lsetstat(c, "l", attrUIDGID, 1); code != fxBadMessage {
		t.Errorf("attributes cut short: status %d", code)
	}
	ro := serve(t, dir, true, Policy{})
	if code := lsetstat(ro, "l", attrUIDGID, 0, 0); code != fxPermissionDenied {
		t.Errorf("read-only: status %d", code)
	}
}
