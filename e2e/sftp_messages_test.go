package e2e

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpCommandsMatchOpenSSH runs some eighty single commands, most of
// them failures, through OpenSSH's sftp and sshbox's in batch mode against
// OpenSSH's sftp-server, each on fresh copies of the same local and remote
// trees, and requires the same standard output, the same standard error
// byte for byte (OpenSSH's error() lines end in "\r\n"), the same exit
// status and the same trees afterwards: the argument checks and their
// words, mget and mput, "open local", "dest open", "Retrieving" and
// "Entering", resumes that have nothing to do, links and renames in
// OpenSSH's words, quoting and comments, ls's flags in order, local shell
// failures that do not end a batch.
func TestSftpCommandsMatchOpenSSH(t *testing.T) {
	t.Parallel()
	sftp := testenv.NeedCmd(t, "sftp")
	ours := testenv.Bin(t, "sftp")
	server := "/usr/lib/openssh/sftp-server"
	big := randomBytes(5000)
	fixtures := localRemoteTrees(t, map[string][]byte{
		"R/f": []byte("hello\n"), "R/big": big, "R/d/e/y": []byte("x\n"), "R/other": randomBytes(6000),
		"R/small2": randomBytes(10), "L/f": []byte("hello\n"), "L/big": big[:100], "L/big2": randomBytes(9000),
	})
	os.Symlink("f", filepath.Join(fixtures, "R", "lnk"))
	none := filepath.Join(t.TempDir(), "none") // never there before a command
	commands := []string{
		"get", "put", "rm", "mkdir", "rmdir", "rename", "rename a", "symlink a", "ln -s", "lumask",
		"chgrp", "chown", "chmod 644", "chgrp 5", "chown abc f", "chmod 999 f", "lumask 8", "lumask 0022",
		"get f f2 f3", "mkdir a b", "mget f big", "mput f big", "del f", "LS", "Get f",
		"get nonexist", "get d", "get -r d", "get \\*", "get ./nonexist", "get f ld/nonexist/x",
		"get -r d " + none + "/x", "get -r d f", "get f " + none + "/x",
		"put nonexist", "put " + none, "put ld", "put -r ld", "put f " + none + "/x", "put f d/e/y/z",
		"put -r ld " + none + "/x", "put -r ld f",
		"reget f", "reget big", "reget -a f", "reget small2 big2", "reget nonexist", "get -a f newlocal",
		"reput big", "reput f", "reput f newname", "reput big other", "put -a f newname",
		"symlink f f", "ln -s f f", "ln f f", "rename f d", "rename -l f g", "rename nonexist x",
		"copy nonexist x", "cp f d", "cp d x", "cp f " + none + "/x",
		"mkdir d", "rmdir d", "rm d", "rm nonexist*", "rm ./nonexist", "mkdir ./d/../d",
		"ls nonexist", "ls ./nonexist", "ls \\*", "ls -l nonexist*", "ls d", "ls d/./e/", "ls -l -1 big",
		"ls -1l", "ls -lh1", "ls -Stf", "ls -Z", "ls -- -x",
		`ls "abc`, `ls a\`, "ls a#b", "ls big # comment", `ls "a\*"`, "  pwd",
		"lcd " + none, "lls nonexist", "lls -Z", "!false", "lmkdir ld", "progress", "df -x", "get -z f",
		"ln -x a b", "chmod -R 644 f", "pwd -x", "version",
	}
	type outcome struct {
		out, err string
		rc       int
		local    string
		remote   string
	}
	run := func(client, cmd string) outcome {
		t.Helper()
		dir, l, r := freshTrees(t, fixtures)
		batch := filepath.Join(dir, "batch")
		os.WriteFile(batch, []byte(cmd+"\n"), 0o644)
		c := exec.Command(client, "-D", server+" -d "+r, "-b", batch)
		c.Dir = l
		var stdout, stderr bytes.Buffer
		c.Stdout, c.Stderr = &stdout, &stderr
		c.Run()
		o := outcome{out: stdout.String(), err: stderr.String(), rc: c.ProcessState.ExitCode(),
			local: treeOf(t, l), remote: treeOf(t, r)}
		o.out, o.err = strings.ReplaceAll(o.out, dir, "DIR"), strings.ReplaceAll(o.err, dir, "DIR")
		os.RemoveAll(none)
		return o
	}
	for _, cmd := range commands {
		want, got := run(sftp, cmd), run(ours, cmd)
		if got != want {
			t.Errorf("%q:\nsshbox's sftp: status %d, out %q, err %q\nOpenSSH's:     status %d, out %q, err %q",
				cmd, got.rc, got.out, got.err, want.rc, want.out, want.err)
			if got.local != want.local || got.remote != want.remote {
				t.Errorf("%q: the trees differ afterwards:\nsshbox's:\n%s%s\nOpenSSH's:\n%s%s", cmd,
					got.local, got.remote, want.local, want.remote)
			}
		}
	}
}

// localRemoteTrees writes files (paths under "L/", the local tree, and
// "R/", the remote one, to their contents) and an empty local directory
// "ld", and returns the directory holding both trees.
func localRemoteTrees(t *testing.T, files map[string][]byte) string {
	dir := t.TempDir()
	for p, data := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), data, 0o644)
	}
	os.MkdirAll(filepath.Join(dir, "L", "ld"), 0o755)
	return dir
}

// freshTrees copies the trees localRemoteTrees made into a new directory
// for one run and returns it, with the copies' local and remote roots.
func freshTrees(t *testing.T, fixtures string) (dir, local, remote string) {
	t.Helper()
	dir = t.TempDir()
	local, remote = filepath.Join(dir, "L"), filepath.Join(dir, "R")
	for _, c := range [][2]string{{filepath.Join(fixtures, "L"), local}, {filepath.Join(fixtures, "R"), remote}} {
		if out, err := exec.Command("cp", "-a", c[0], c[1]).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
	}
	return dir, local, remote
}

// treeOf describes every file under root (path, type, mode, size, a hash of
// the contents, a link's target), one line each, in order.
func treeOf(t *testing.T, root string) string {
	var lines []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		line := fmt.Sprintf("%s %v %d", rel, fi.Mode(), fi.Size())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			line += fmt.Sprintf(" %x", sha256.Sum256(b))
		case fi.IsDir():
			line = fmt.Sprintf("%s %v", rel, fi.Mode())
		}
		lines = append(lines, line)
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}
