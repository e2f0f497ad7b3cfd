package testenv

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// Result is what a finished command left: stdout, stderr (CRLF made LF, as
// a pty or Windows-minded peer may write it) and the exit status.
type Result struct {
	Out, Err string
	RC       int
}

// Run runs cmd with stdin, collecting its output; a command that could not
// run at all fails the test.
func Run(t testing.TB, cmd *exec.Cmd, stdin string) Result {
	t.Helper()
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	rc := ExitCode(err)
	if rc < 0 {
		t.Fatalf("%s %v: %v", cmd.Path, cmd.Args[1:], err)
	}
	return Result{o.String(), strings.ReplaceAll(e.String(), "\r\n", "\n"), rc}
}
