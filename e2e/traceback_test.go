package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestTracebackArguments: the release build's compiler leaves out the
// arguments' layouts (scripts/compiler), so a goroutine dump of
// sshbox names every frame of its own code with empty parentheses; a
// build with the go command's compiler prints values in them. Which one
// the tests run is the release build's where GOROOT has the file
// _compile/ was written for.
func TestTracebackArguments(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "agent.sock")
	cmd := exec.Command(testenv.Bin(t, ""), "ssh-agent", "-D", "-a", sock)
	cmd.Env = append(os.Environ(), "GOTRACEBACK=all")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ssh-agent made no socket: %s", out.Bytes())
		}
	}
	cmd.Process.Signal(syscall.SIGQUIT)
	cmd.Wait()
	// A frame of sshbox's own code (Go, never assembly): its name, then
	// what is in the parentheses.
	frames := regexp.MustCompile(`(?m)^(sshbox/[^\s(]+(?:\([^)]*\)[^\s(]*)*)\(([^)]*)\)$`).FindAllStringSubmatch(out.String(), -1)
	if len(frames) == 0 {
		t.Fatalf("no frame of sshbox's code in the dump:\n%s", out.Bytes())
	}
	withValues := 0
	for _, f := range frames {
		if strings.HasPrefix(f[2], "0x") {
			withValues++
		}
	}
	if argless(t) {
		if withValues > 0 {
			t.Errorf("%d of %d frames print argument values, want none:\n%s", withValues, len(frames), out.Bytes())
		}
	} else if withValues == 0 {
		t.Errorf("no frame prints argument values, the go command's compiler prints them:\n%s", out.Bytes())
	}
}

// argless reports whether the binary the tests run was compiled by
// scripts/compiler's compiler: the release build, with a GOROOT whose files
// match _compile/UPSTREAM.
func argless(t *testing.T) bool {
	if testenv.ReleaseBuild() == "" {
		return false
	}
	upstream, err := os.ReadFile("../_compile/UPSTREAM")
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(upstream)), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			t.Fatalf("_compile/UPSTREAM: %q", line)
		}
		src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "src", f[1]))
		if err != nil {
			return false
		}
		if sum := sha256.Sum256(src); hex.EncodeToString(sum[:]) != f[0] {
			return false
		}
	}
	return true
}
