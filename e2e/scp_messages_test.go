package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestScpMessagesMatchOpenSSH runs some forty copies, most of them
// failures, through OpenSSH's scp and sshbox's, in SFTP mode and with -O,
// each on fresh copies of the same local and "remote" trees, and requires
// the same standard error byte for byte (OpenSSH's scp ends its SFTP
// mode's error() lines in "\r\n", its old protocol's in "\n"), the same
// exit status and the same trees afterwards: a missing local source is
// fatal, a directory without -r and a failed upload say so twice, the
// target of several files (or of -d) is made a directory remotely and
// must be one locally, a glob's matches get a directory made for them.
// The "remote" end is OpenSSH's own: -S names a program that runs
// OpenSSH's sftp-server (or, for -O, the scp command line) in the remote
// tree, as ssh would on a host.
func TestScpMessagesMatchOpenSSH(t *testing.T) {
	t.Parallel()
	scp := testenv.NeedCmd(t, "scp")
	ours := testenv.Bin(t, "scp")
	server := "/usr/lib/openssh/sftp-server"
	fixtures := localRemoteTrees(t, map[string][]byte{
		"R/f": []byte("hello\n"), "R/big": randomBytes(5000), "R/d/e/y": []byte("x\n"),
		"L/f": []byte("hello\n"), "L/big": randomBytes(100),
	})
	fakeSSH := filepath.Join(fixtures, "remote")
	os.WriteFile(fakeSSH, []byte(`#!/bin/sh
# scp -S: ssh's arguments are ignored but the last, the remote command.
for last in "$@"; do :; done
cd "$REMOTE_TREE" || exit 1
[ "$last" = sftp ] && exec `+server+`
exec sh -c "$last"
`), 0o755)
	// With -O the remote end runs "scp -t"/"scp -f": OpenSSH's, from PATH.
	none := filepath.Join(t.TempDir(), "none") // never there before a copy
	copies := [][]string{
		{"h:f", "got"}, {"h:nonexist", "."}, {"h:d", "."}, {"-r", "h:d", "."}, {"f", "h:"},
		{"nonexist", "h:"}, {"nonexist", "f", "h:"}, {"f", "nonexist", "h:"}, {"ld", "h:"}, {"-r", "ld", "h:"},
		{"f", "h:" + none + "/x"}, {"h:f", none + "/x"}, {"h:f", "ld/nonexist/x"}, {"-r", "h:d", none + "/x"},
		{"-r", "ld", "h:" + none + "/x"}, {"-r", "ld", "f", "h:" + none + "/x"},
		{"f", "big", "h:f"}, {"f", "big", "h:newdir"}, {"-d", "f", "h:newdir"}, {"-d", "f", "h:f"},
		{"h:f", "h:big", "newdir"}, {"h:f", "h:big", "f"}, {"-r", "h:d", "h:f", "newdir"},
		{"-d", "h:f", "newdir"}, {"-d", "h:f", "ld"},
		{"h:*", "f"}, {"h:*", "newdir"}, {"h:nonexist*", "ld"}, {"h:~/f", "got"}, {"h:f", "h:nonexist"},
		{"-O", "h:nonexist", "."}, {"-O", "nonexist", "h:"}, {"-O", "ld", "h:"}, {"-O", "f", "h:" + none + "/x"},
		{"-O", "f", "big", "h:newdir"}, {"-O", "h:d", "."}, {"-O", "h:f", none + "/x"},
		{"-O", "h:f", "h:big", "newdir"}, {"-O", "h:f", "h:big", "f"},
		{"h:f", "h:g"}, {"-3", "h:f", "h:g"}, {"-3", "h:nonexist", "h:g"}, {"-3", "h:d", "h:g"},
		{"-r", "-3", "h:d", "h:g"}, {"-3", "h:f", "h:" + none + "/x"},
	}
	type outcome struct {
		err           string
		rc            int
		local, remote string
	}
	run := func(client string, args []string) outcome {
		t.Helper()
		dir, l, r := freshTrees(t, fixtures)
		c := exec.Command(client, append([]string{"-S", fakeSSH}, args...)...)
		c.Dir = l
		c.Env = append(os.Environ(), "REMOTE_TREE="+r)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		c.Run()
		// OpenSSH's scp names itself as it was called.
		msg := strings.ReplaceAll(stderr.String(), client+": ", "scp: ")
		o := outcome{err: strings.ReplaceAll(msg, dir, "DIR"), rc: c.ProcessState.ExitCode(),
			local: treeOf(t, l), remote: treeOf(t, r)}
		os.RemoveAll(none)
		return o
	}
	for _, args := range copies {
		want, got := run(scp, args), run(ours, args)
		if got != want {
			t.Errorf("scp %q:\nsshbox's: status %d, %q\nOpenSSH's: status %d, %q", args, got.rc, got.err, want.rc, want.err)
			if got.local != want.local || got.remote != want.remote {
				t.Errorf("scp %q: the trees differ afterwards:\nsshbox's:\n%s%s\nOpenSSH's:\n%s%s", args,
					got.local, got.remote, want.local, want.remote)
			}
		}
	}
}
