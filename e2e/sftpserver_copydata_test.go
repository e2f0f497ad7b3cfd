package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpServerCopyData: OpenSSH's sftp "cp" (the copy-data extension)
// against sshbox's sftp-server copies a file byte for byte, keeps its
// mode, refuses a copy onto itself and in read-only mode, and is refused
// by -P copy-data, each as OpenSSH's own sftp-server does.
func TestSftpServerCopyData(t *testing.T) {
	t.Parallel()
	ours := testenv.Bin(t, "sftp-server")
	theirs := "/usr/lib/openssh/sftp-server"
	if _, err := os.Stat(theirs); err != nil {
		t.Fatalf("OpenSSH's sftp-server is not installed: %v", err)
	}
	sftp := testenv.NeedCmd(t, "sftp")
	data := make([]byte, 300*1024+17) // several chunks and a piece
	rand.Read(data)
	run := func(server, flags, batch string) (string, string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "src"), data, 0o640)
		os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600)
		b := filepath.Join(t.TempDir(), "batch")
		os.WriteFile(b, []byte(batch), 0o644)
		out, _ := exec.Command(sftp, "-D", server+" -d "+dir+" "+flags, "-b", b).CombinedOutput()
		return dir, string(out)
	}
	for _, tc := range []struct {
		flags, batch string
	}{
		{"", "cp src dst\ncopy empty e2\n-cp src src\n-cp nosuch x\n"},
		{"-R", "-cp src dst\n"},
		{"-P copy-data", "-cp src dst\n"},
	} {
		want, wantOut := run(theirs, tc.flags, tc.batch)
		got, gotOut := run(ours, tc.flags, tc.batch)
		if listing(t, got) != listing(t, want) {
			t.Errorf("%s %q: directory\n%s\nOpenSSH's:\n%s\nours said:\n%s\ntheirs:\n%s", tc.flags, tc.batch,
				listing(t, got), listing(t, want), gotOut, wantOut)
		}
		if b, err := os.ReadFile(filepath.Join(got, "dst")); err == nil && !bytes.Equal(b, data) {
			t.Errorf("%s: dst differs from src (%d bytes)", tc.flags, len(b))
		}
		if strings.Contains(gotOut, "Connection closed") && !strings.Contains(wantOut, "Connection closed") {
			t.Errorf("%s: our server hung up:\n%s", tc.flags, gotOut)
		}
	}
}

// listing is each file of dir with its mode and size.
func listing(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		info, _ := e.Info()
		out = append(out, fmt.Sprintf("%s %s %d", e.Name(), info.Mode(), info.Size()))
	}
	return strings.Join(out, "\n")
}
