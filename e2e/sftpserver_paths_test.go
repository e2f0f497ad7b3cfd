package e2e

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
	"sshbox/internal/wire"
)

// sftpRaw speaks SFTP packets to a server process on its stdin and stdout.
type sftpRaw struct {
	t   *testing.T
	in  io.WriteCloser
	out io.Reader
}

// startSftpRaw runs server (argv) with -d dir and returns its VERSION
// packet after an INIT for version 3.
func startSftpRaw(t *testing.T, dir string, server ...string) (*sftpRaw, []byte) {
	t.Helper()
	cmd := exec.Command(server[0], append(server[1:], "-d", dir)...)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	c := &sftpRaw{t: t, in: in, out: out}
	in.Write([]byte{0, 0, 0, 5, 1, 0, 0, 0, 3})
	return c, c.recv()
}

// call sends a request of type typ with id and payload and returns the
// whole reply packet.
func (c *sftpRaw) call(typ byte, id uint32, payload []byte) []byte {
	c.t.Helper()
	pkt := binary.BigEndian.AppendUint32(nil, uint32(5+len(payload)))
	pkt = append(pkt, typ)
	pkt = binary.BigEndian.AppendUint32(pkt, id)
	c.in.Write(append(pkt, payload...))
	return c.recv()
}

func (c *sftpRaw) recv() []byte {
	c.t.Helper()
	var hdr [4]byte
	if _, err := io.ReadFull(c.out, hdr[:]); err != nil {
		c.t.Fatal(err)
	}
	body := make([]byte, binary.BigEndian.Uint32(hdr[:]))
	if _, err := io.ReadFull(c.out, body); err != nil {
		c.t.Fatal(err)
	}
	return append(hdr[:], body...)
}

// describeReply is a reply packet in words, for a failure message.
func describeReply(p []byte) string {
	if len(p) < 9 {
		return fmt.Sprintf("%x", p)
	}
	switch p[4] {
	case 101:
		msg, _, _ := wire.String(p[13:])
		return fmt.Sprintf("STATUS %d %q", binary.BigEndian.Uint32(p[9:]), msg)
	case 104:
		name, _, _ := wire.String(p[13:])
		return fmt.Sprintf("NAME %q (%x)", name, p)
	}
	return fmt.Sprintf("type %d %x", p[4], p[5:])
}

// TestSftpServerPathsMatchOpenSSH: sshbox's sftp-server answers what
// OpenSSH's resolves and expands byte for byte as OpenSSH's does: the
// VERSION packet (the same extensions in the same order, with -R too),
// REALPATH (symbolic links followed, ".." after them, a missing last
// component kept, a missing or non-directory one before it refused, loops,
// overlong paths), expand-path@openssh.com ("~", "~/", "~user", an
// unknown user), home-directory, and statvfs@openssh.com and
// fstatvfs@openssh.com on a file system nothing else writes to.
func TestSftpServerPathsMatchOpenSSH(t *testing.T) {
	t.Parallel()
	ours := testenv.Bin(t, "sftp-server")
	theirs := "/usr/lib/openssh/sftp-server"
	if _, err := os.Stat(theirs); err != nil {
		t.Fatalf("OpenSSH's sftp-server: %v", err)
	}
	dir := t.TempDir()
	for _, d := range []string{"real/sub", "real/other"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "f"), []byte("a file"), 0o644)
	links := map[string]string{
		"lnk": "real", "abslnk": filepath.Join(dir, "real"), "sublnk": "real/sub",
		"uplnk": "real/sub/..", "dangling": "nothere", "loop1": "loop2", "loop2": "loop1",
		"chain": "lnk", "trail": "real/", "rootlnk": "/", "real/sub/back": "../..",
	}
	for l, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, l)); err != nil {
			t.Fatal(err)
		}
	}
	fsDir, fsFile := quietFS(t, dir)
	long := strings.Repeat("x/", 2100)

	str := func(s ...string) []byte {
		var b []byte
		for _, x := range s {
			b = wire.AppendString(b, x)
		}
		return b
	}
	type request struct {
		typ     byte
		payload []byte
	}
	var reqs []request
	for _, p := range []string{"", ".", "/", "//", "/..", "..", "real", "real/", "real/./sub//",
		"lnk", "lnk/", "lnk/sub", "lnk/sub/..", "lnk/../f", "abslnk/sub", "sublnk/..", "uplnk",
		"chain/sub", "trail", "trail/sub", "rootlnk/tmp", "real/sub/back/f", "dangling",
		"dangling/x", "loop1", "loop1/x", "nonexist", "nonexist/", "nonexist/x", "f", "f/", "f/x",
		long, filepath.Join(dir, "lnk", "sub")} {
		reqs = append(reqs, request{16, str(p)})
	}
	for _, p := range []string{"", "~", "~/", "~//", "~/lnk/sub", "~//real", "~root", "~root/",
		"~root//x", "~root/lnk", "~sbx-nosuchuser", "~sbx-nosuchuser/x", "lnk", "/tmp/../",
		"nonexist/x", "~/nonexist/x"} {
		reqs = append(reqs, request{200, str("expand-path@openssh.com", p)})
	}
	for _, u := range []string{"", "root", "sbx-nosuchuser"} {
		reqs = append(reqs, request{200, str("home-directory", u)})
	}
	for _, p := range []string{fsDir, fsFile, filepath.Join(dir, "nonexist")} {
		reqs = append(reqs, request{200, str("statvfs@openssh.com", p)})
	}

	run := func(server ...string) (version []byte, replies [][]byte) {
		c, version := startSftpRaw(t, dir, server...)
		for i, r := range reqs {
			replies = append(replies, c.call(r.typ, uint32(100+i), r.payload))
		}
		// fstatvfs on a handle of a file on that file system, then on
		// a handle nobody gave.
		open := binary.BigEndian.AppendUint32(str(fsFile), 1) // read
		open = binary.BigEndian.AppendUint32(open, 0)
		h := c.call(3, 1, open)
		handle, _, ok := wire.String(h[9:])
		if h[4] != 102 || !ok {
			t.Fatalf("%s: open %s: %s", server[0], fsFile, describeReply(h))
		}
		replies = append(replies, c.call(200, 2, str("fstatvfs@openssh.com", string(handle))))
		replies = append(replies, c.call(200, 3, str("fstatvfs@openssh.com", "no such handle")))
		return version, replies
	}
	for _, flags := range [][]string{nil, {"-R"}} {
		wantV, want := run(append([]string{theirs}, flags...)...)
		gotV, got := run(append([]string{ours}, flags...)...)
		if !bytes.Equal(gotV, wantV) {
			t.Errorf("%v: VERSION %x, OpenSSH's %x", flags, gotV, wantV)
		}
		if flags != nil {
			continue // the rest is the same with -R; once is enough
		}
		for i := range want {
			what := "fstatvfs"
			if i < len(reqs) {
				what = fmt.Sprintf("request %d %q", reqs[i].typ, reqs[i].payload)
				if len(what) > 200 {
					what = what[:200] + "..."
				}
			}
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("%s: %s, OpenSSH's %s", what, describeReply(got[i]), describeReply(want[i]))
			}
		}
	}
}

// quietFS is a file system whose figures nothing changes between two
// servers' answers, and a file on it: a tmpfs of the test's own under dir
// where the test may mount one, else /proc, whose figures are fixed.
func quietFS(t *testing.T, dir string) (string, string) {
	m := filepath.Join(dir, "mnt")
	if os.Mkdir(m, 0o755) == nil &&
		syscall.Mount("tmpfs", m, "tmpfs", syscall.MS_NOSUID, "size=1m,nr_inodes=64") == nil {
		t.Cleanup(func() { syscall.Unmount(m, syscall.MNT_DETACH) })
		os.WriteFile(filepath.Join(m, "file"), []byte("on tmpfs"), 0o644)
		return m, filepath.Join(m, "file")
	}
	t.Logf("no tmpfs of the test's own (not allowed to mount): /proc only")
	return "/proc", "/proc/version"
}

// TestSftpDfMatchesOpenSSH: sshbox's sftp prints df, df -h and df -i as
// OpenSSH's does (its columns, fmt_scaled's figures with OpenSSH's "B"
// after them, ERR for a file system without blocks or inodes), against
// OpenSSH's sftp-server and sshbox's, whose statvfs@openssh.com answers
// now carry the same figures.
func TestSftpDfMatchesOpenSSH(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fsDir, _ := quietFS(t, dir)
	batch := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(batch, []byte("df "+fsDir+"\ndf -h "+fsDir+"\ndf -i "+fsDir+"\n-df -h /proc\n-df -i /proc\n-df "+dir+"/nonexist\n"), 0o644)
	want := sameBatch(t, dir, batch)
	if !strings.Contains(want, "%Capacity") || !strings.Contains(want, "ERR") {
		t.Errorf("not what the test means to compare:\n%s", want)
	}
}

// sameBatch runs the batch file through OpenSSH's sftp against OpenSSH's
// sftp-server started in dir, and requires the same output, byte for
// byte, from OpenSSH's sftp against sshbox's sftp-server and from
// sshbox's sftp against both; it returns the reference output.
func sameBatch(t *testing.T, dir, batch string) string {
	t.Helper()
	run := func(client, server string) string {
		out, _ := exec.Command(client, "-D", server+" -d "+dir, "-b", batch).CombinedOutput()
		return string(out)
	}
	sftp, ours, theirs := testenv.NeedCmd(t, "sftp"), testenv.Bin(t, "sftp"), "/usr/lib/openssh/sftp-server"
	want := run(sftp, theirs)
	for _, tc := range [][2]string{{sftp, testenv.Bin(t, "sftp-server")}, {ours, theirs}, {ours, testenv.Bin(t, "sftp-server")}} {
		if got := run(tc[0], tc[1]); got != want {
			t.Errorf("%s against %s:\n%s\nOpenSSH's sftp against its own server:\n%s", tc[0], tc[1], got, want)
		}
	}
	return want
}

// TestSftpCdMatchesOpenSSH: cd resolves through the server (REALPATH) as
// OpenSSH's sftp does, so that pwd after "cd link" names the link's
// target, a missing directory before the last is refused by realpath,
// and cd alone goes back to the start: OpenSSH's sftp and sshbox's say
// the same against OpenSSH's sftp-server and sshbox's.
func TestSftpCdMatchesOpenSSH(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "real", "sub"), 0o755)
	os.Symlink("real", filepath.Join(dir, "lnk"))
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o644)
	batch := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(batch, []byte("cd lnk\npwd\ncd sub\npwd\ncd ..\npwd\n-cd nonexist/sub\n-cd nonexist\n"+
		"-cd ../f\ncd\npwd\ncd lnk/sub/../sub\npwd\ncd ~\n"), 0o644)
	want := sameBatch(t, dir, batch)
	sftp := testenv.NeedCmd(t, "sftp")
	// The start directory: -d's ~ and % tokens expanded as OpenSSH's
	// sftp-server expands them, and one it cannot enter logged (-e) and
	// left for where it started.
	for _, d := range []string{"~", "%d/..", "~root//", dir + "/nonexist", dir + "/lnk"} {
		run := func(server string) string {
			cmd := exec.Command(sftp, "-D", server+" -e -d "+d, "-b", "-")
			cmd.Stdin = strings.NewReader("pwd\n")
			cmd.Dir = dir
			out, _ := cmd.CombinedOutput()
			return string(out)
		}
		if got, want := run(testenv.Bin(t, "sftp-server")), run("/usr/lib/openssh/sftp-server"); got != want {
			t.Errorf("-d %s: sshbox's sftp-server:\n%s\nOpenSSH's:\n%s", d, got, want)
		}
	}
	if !strings.Contains(want, "Remote working directory: "+filepath.Join(dir, "real", "sub")) ||
		!strings.Contains(want, "realpath "+filepath.Join(dir, "real", "nonexist", "sub")+": No such file") {
		t.Errorf("not what the test means to compare:\n%s", want)
	}
}

// TestSftpServerLogMatchesOpenSSH: with -l INFO or VERBOSE and -e,
// sshbox's sftp-server logs a session's file operations line for line as
// OpenSSH's does (the session's user and address, opens with their flags
// and modes, closes with the bytes moved, listings, removals, renames,
// links, attribute changes with their values, refused and failed requests;
// at VERBOSE the lookups too), so that an audit reads the same from either.
func TestSftpServerLogMatchesOpenSSH(t *testing.T) {
	t.Parallel()
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "up"), randomBytes(70000), 0o640)
	old := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	os.Chtimes(filepath.Join(src, "up"), old, old)
	batch := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(batch, []byte(strings.Join([]string{
		"-get nosuch", "put " + src + "/up", "put -p " + src + "/up kept", "get up " + src + "/down",
		"reget up " + src + "/down", "-mkdir nd", "-rmdir nd", "rename up up2", "ln up2 hard",
		"symlink up2 soft", "chmod 600 up2", "chown 0 up2", "ls -l", "-rm nosuch", "rm soft", "-copy up2 cp",
		"df", "bye",
	}, "\n")+"\n"), 0o644)
	// Read-only: the refusals, said as OpenSSH's says them.
	roBatch := filepath.Join(t.TempDir(), "ro")
	os.WriteFile(roBatch, []byte("-put "+src+"/up\n-mkdir x\n-rm up\n-chmod 600 up\n-rename up g\nls\n"), 0o644)
	for _, c := range []struct{ level, flags, batch string }{
		{"INFO", "-P mkdir", batch}, {"VERBOSE", "-P mkdir", batch}, {"VERBOSE", "-R", roBatch},
	} {
		level := c.level
		run := func(server string) string {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "up"), []byte("there"), 0o644)
			cmd := exec.Command(testenv.NeedCmd(t, "sftp"), "-D", server+" -e -l "+level+" "+c.flags+" -d "+dir, "-b", c.batch)
			cmd.Env = append(os.Environ(), "TZ=UTC", "SSH_CONNECTION=192.0.2.7 40000 192.0.2.1 22")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.Run()
			return strings.ReplaceAll(stderr.String(), dir, "DIR")
		}
		want, got := run("/usr/lib/openssh/sftp-server"), run(testenv.Bin(t, "sftp-server"))
		if got != want {
			t.Errorf("-l %s %s: sshbox's sftp-server logged:\n%s\nOpenSSH's:\n%s", level, c.flags, got, want)
		}
		if !strings.Contains(want, `close "DIR/up" bytes read 0 written 70000`) && !strings.Contains(want, "read-only mode") {
			t.Errorf("-l %s %s: not what the test means to compare:\n%s", level, c.flags, want)
		}
	}
}
