// Command lineless is the go command's -toolexec for sshbox's release
// build (scripts/build): it runs every tool as asked, but hands the
// compiler the package's Go files rewritten by lineless.Collapse, so that
// the binary records one source position per function instead of one per
// line (package lineless says why).
//
//	go build -toolexec /path/to/lineless ...
//
// The go command asks each tool for its version (-V=full) to key its build
// cache; lineless adds a hash of its own executable to the compiler's
// answer, so that packages compiled with positions and without never share
// a cache entry, and a changed lineless compiles afresh.
//
// A package that the compiler refuses is compiled once more from its files
// as written, so that the diagnostics name real files and lines; if that
// compilation succeeds, the fault is lineless's, and it says so.
//
// When $SSHBOX_COMPILE names a compiler, lineless runs it in place of the
// go command's: scripts/build's build of the same Go's compiler that
// leaves out the arguments' layout for tracebacks (scripts/compiler,
// _compile/README.md). Its hash then goes into the version answer too.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"sshbox/internal/lineless"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: lineless tool [arg ...]   (as go build -toolexec)")
		os.Exit(2)
	}
	tool, args := os.Args[1], os.Args[2:]
	if strings.TrimSuffix(filepath.Base(tool), ".exe") != "compile" {
		os.Exit(run(tool, args, os.Stdout, os.Stderr))
	}
	if c := os.Getenv("SSHBOX_COMPILE"); c != "" {
		tool = c
	}
	if len(args) > 0 && strings.HasPrefix(args[len(args)-1], "-V") {
		os.Exit(version(tool, args))
	}
	os.Exit(compile(tool, args))
}

// run runs tool with args and returns its exit status.
func run(tool string, args []string, stdout, stderr io.Writer) int {
	cmd := exec.Command(tool, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		return exit.ExitCode()
	default:
		fmt.Fprintf(os.Stderr, "lineless: %v\n", err)
		return 1
	}
}

// version passes on the compiler's -V=full answer with lineless's own hash
// added: after the build ID of a development toolchain (which the go
// command reads from the last field), else as a field of its own (a
// release's whole line is the key).
func version(tool string, args []string) int {
	var out bytes.Buffer
	if rc := run(tool, args, &out, os.Stderr); rc != 0 {
		return rc
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "lineless: %v\n", err)
		return 1
	}
	files := []string{exe}
	if os.Getenv("SSHBOX_COMPILE") != "" {
		files = append(files, tool)
	}
	self, err := hashFiles(files...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lineless: %v\n", err)
		return 1
	}
	line := strings.TrimRight(out.String(), "\n")
	if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[len(f)-1], "buildID=") {
		line += ".lineless-" + self
	} else {
		line += " lineless-" + self
	}
	fmt.Println(line)
	return 0
}

// hashFiles is a short hash of the files' contents, in order.
func hashFiles(paths ...string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// compile runs the compiler on the package's files rewritten by Collapse.
// The go command lists them last, after the flags, and never in a response
// file (@file) under -toolexec: it uses those only for its own tools.
func compile(tool string, args []string) int {
	first := len(args)
	for first > 0 && strings.HasSuffix(args[first-1], ".go") && !strings.HasPrefix(args[first-1], "-") {
		first--
	}
	dir, err := os.MkdirTemp("", "lineless-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "lineless: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	rewritten := append([]string(nil), args...)
	for i := first; i < len(args); i++ {
		src, err := os.ReadFile(args[i])
		if err != nil {
			fmt.Fprintf(os.Stderr, "lineless: %v\n", err)
			return 1
		}
		out, err := lineless.Collapse(args[i], src)
		if err != nil {
			// Not Go the scanner accepts: the compiler says what is wrong.
			return run(tool, args, os.Stdout, os.Stderr)
		}
		rewritten[i] = filepath.Join(dir, fmt.Sprintf("%d-%s", i-first, filepath.Base(args[i])))
		if err := os.WriteFile(rewritten[i], out, 0o600); err != nil {
			fmt.Fprintf(os.Stderr, "lineless: %v\n", err)
			return 1
		}
	}
	var stdout, stderr bytes.Buffer
	if run(tool, rewritten, &stdout, &stderr) == 0 {
		os.Stdout.Write(stdout.Bytes())
		os.Stderr.Write(stderr.Bytes())
		return 0
	}
	if rc := run(tool, args, os.Stdout, os.Stderr); rc != 0 {
		return rc
	}
	fmt.Fprintf(os.Stderr, "lineless: the compiler refused the rewritten files of %s and accepted them as written:\n%s%s",
		packagePath(args), stdout.Bytes(), stderr.Bytes())
	return 1
}

// packagePath is the value of the compiler's -p flag, for messages.
func packagePath(args []string) string {
	for i, a := range args {
		if a == "-p" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return "the package"
}
