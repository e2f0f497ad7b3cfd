package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestXferDirectServer: scp -D and sftp -D talk to a local sftp server
// program (sshbox's sftp-server applet) instead of a host.
func TestXferDirectServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.bin")
	os.WriteFile(src, randomBytes(50000), 0o644)
	server := testenv.Bin(t, "sftp-server")
	out, err := exec.Command(testenv.Bin(t, "scp"), "-D", server, src, "localhost:"+filepath.Join(dir, "copy.bin")).CombinedOutput()
	if err != nil {
		t.Fatalf("scp -D: %v\n%s", err, out)
	}
	sameFile(t, src, filepath.Join(dir, "copy.bin"))
	cmd := exec.Command(testenv.Bin(t, "sftp"), "-D", server, "-b", "-")
	cmd.Dir = dir
	r := testenv.Run(t, cmd, "get copy.bin again.bin\nls\n")
	if r.RC != 0 || !strings.Contains(r.Out, "again.bin") {
		t.Fatalf("sftp -D: %d %q %q", r.RC, r.Out, r.Err)
	}
	sameFile(t, src, filepath.Join(dir, "again.bin"))
}
