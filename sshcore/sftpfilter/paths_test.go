package sftpfilter

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"sshbox/internal/wire"
)

// extPacket is an extended request: its name, then each arg as a string.
func extPacket(id uint32, name string, args ...string) []byte {
	body := binary.BigEndian.AppendUint32([]byte{fxpExtended}, id)
	body = wire.AppendString(body, name)
	for _, a := range args {
		body = wire.AppendString(body, a)
	}
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
}

// realpath follows links where they are met ("lnk/.." is the link
// target's parent), keeps a missing last component, refuses a missing or
// non-directory one before it, and stops at loops and at PATH_MAX.
func TestRealpath(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a/b"), 0o755)
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o644)
	os.Symlink("a/b", filepath.Join(dir, "lnk"))
	os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "abs"))
	os.Symlink("loop", filepath.Join(dir, "loop"))
	for _, c := range []struct {
		path, want string
		err        error
	}{
		{".", dir, nil},
		{"/", "/", nil},
		{"//..//", "/", nil},
		{"lnk", dir + "/a/b", nil},
		{"lnk/..", dir + "/a", nil},
		{"lnk/../../f", dir + "/f", nil},
		{"abs/b/", dir + "/a/b", nil},
		{dir + "/missing", dir + "/missing", nil},
		{"missing/", "", syscall.ENOENT},
		{"missing/x", "", syscall.ENOENT},
		{"f/x", "", syscall.ENOTDIR},
		{"loop", "", syscall.ELOOP},
		{strings.Repeat("a/", 2048), "", syscall.ENAMETOOLONG},
		{"", "", syscall.ENOENT},
	} {
		got, err := realpath(c.path, dir)
		if got != c.want || !errors.Is(err, c.err) && (err != nil || c.err != nil) {
			t.Errorf("realpath(%.40q) = %q, %v; want %q, %v", c.path, got, err, c.want, c.err)
		}
	}
}

// The filter answers REALPATH, expand-path, home-directory, statvfs and
// fstatvfs itself, with the client's own ids; -P refuses each by name.
func TestFilterPaths(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	os.Symlink("d", filepath.Join(dir, "l"))
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
	c := serve(t, dir, false, Policy{})
	name := func(reply []byte) string {
		if reply[0] != fxpName || binary.BigEndian.Uint32(reply[5:]) != 1 {
			t.Fatalf("not a NAME of one entry: %x", reply)
		}
		n, _, _ := wire.String(reply[9:])
		return string(n)
	}
	if got := name(c.recv(c.send(fxpRealpath, wire.AppendString(nil, "l")))); got != dir+"/d" {
		t.Errorf("realpath l: %q", got)
	}
	ext := func(n string, args ...string) []byte {
		var b []byte
		for _, a := range append([]string{n}, args...) {
			b = wire.AppendString(b, a)
		}
		return b
	}
	if got := name(c.recv(c.send(fxpExtended, ext("expand-path@openssh.com", "~/l")))); got != dir+"/d" {
		t.Errorf("expand-path ~/l: %q", got)
	}
	if got := name(c.recv(c.send(fxpExtended, ext("expand-path@openssh.com", "~root/")))); got != "/root" {
		t.Errorf("expand-path ~root/: %q", got)
	}
	r := c.recv(c.send(fxpExtended, ext("expand-path@openssh.com", "~sbx-nosuchuser")))
	if msg, _, _ := wire.String(r[9:]); statusCode(r) != fxNoSuchFile || string(msg) != "no such user" {
		t.Errorf("expand-path of an unknown user: %d %q", statusCode(r), msg)
	}
	if got := name(c.recv(c.send(fxpExtended, ext("home-directory", "root")))); got != "/root" {
		t.Errorf("home-directory root: %q", got)
	}
	if code := statusCode(c.recv(c.send(fxpExtended, ext("home-directory", "")))); code != fxFailure {
		t.Errorf("home-directory of no name: %d", code)
	}
	var st syscall.Statfs_t
	syscall.Statfs(dir, &st)
	for _, r := range [][]byte{
		c.recv(c.send(fxpExtended, ext("statvfs@openssh.com", "f"))),
		c.recv(c.send(fxpExtended, ext("fstatvfs@openssh.com", c.open("f", 1)))),
	} {
		if r[0] != fxpExtendedReply || len(r) != 5+11*8 || binary.BigEndian.Uint64(r[5+8*10:]) != uint64(st.Namelen) {
			t.Errorf("statvfs reply %x", r)
		}
	}
	if code := statusCode(c.recv(c.send(fxpExtended, ext("fstatvfs@openssh.com", "no such handle")))); code != fxFailure {
		t.Errorf("fstatvfs of no handle: %d", code)
	}
	den := serve(t, dir, false, Policy{Denied: []string{"realpath", "expand-path", "home-directory", "statvfs", "fstatvfs"}})
	for _, req := range []struct {
		typ     byte
		payload []byte
	}{
		{fxpRealpath, wire.AppendString(nil, ".")}, {fxpExtended, ext("expand-path@openssh.com", "~")},
		{fxpExtended, ext("home-directory", "root")}, {fxpExtended, ext("statvfs@openssh.com", ".")},
		{fxpExtended, ext("fstatvfs@openssh.com", "h")},
	} {
		if code := statusCode(den.recv(den.send(req.typ, req.payload))); code != fxPermissionDenied {
			t.Errorf("denied %q: status %d", req.payload, code)
		}
	}
}
