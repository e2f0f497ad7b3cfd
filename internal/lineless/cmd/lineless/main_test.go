package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The program built in the tests prints where it is, by runtime.Caller.
const program = `package main

import (
	"os"
	"runtime"
	"strconv"
)

func main() {
	_, file, line, _ := runtime.Caller(0)
	os.Stdout.WriteString(strconv.Quote(file) + ":" + strconv.Itoa(line) + "\n")
}
`

// build builds lineless, then the module in dir with go build and extra
// flags, returning the go command's combined output and error.
func build(t *testing.T, dir string, flags ...string) (string, error) {
	t.Helper()
	lineless := buildLineless(t)
	args := append([]string{"build", "-toolexec", lineless, "-o", filepath.Join(dir, "prog")}, flags...)
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = dir
	// sshbox's GOFLAGS (scripts/xcrypto's -modfile) name sshbox's module.
	cmd.Env = append(os.Environ(), "GOFLAGS=", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func buildLineless(t *testing.T) string {
	t.Helper()
	lineless := filepath.Join(t.TempDir(), "lineless")
	if out, err := exec.Command("go", "build", "-o", lineless, ".").CombinedOutput(); err != nil {
		t.Fatalf("building lineless: %v\n%s", err, out)
	}
	return lineless
}

func module(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"go.mod": "module prog\n\ngo 1.26\n", "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBuild: a program built through lineless records line 1 of an
// unnamed file where the same program built plainly records main.go:10.
func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the runtime")
	}
	dir := module(t, program)
	plain := exec.Command("go", "run", ".")
	plain.Dir = dir
	plain.Env = append(os.Environ(), "GOFLAGS=", "CGO_ENABLED=0")
	out, err := plain.CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), `/main.go":10`) {
		t.Fatalf("plain build: %v, printed %q, want .../main.go:10", err, out)
	}
	if out, err := build(t, dir); err != nil {
		t.Fatalf("go build -toolexec lineless: %v\n%s", err, out)
	}
	got, err := exec.Command(filepath.Join(dir, "prog")).Output()
	if err != nil {
		t.Fatal(err)
	}
	// The runtime spells the empty file name "??".
	if g := string(got); !strings.HasSuffix(g, `":1`+"\n") || strings.Contains(g, "main.go") {
		t.Errorf("built through lineless, the program printed %q, want line 1 of no file", g)
	}
}

// TestBuildDiagnostics: a package the compiler refuses is reported with
// its real file and line, not line 1.
func TestBuildDiagnostics(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the runtime")
	}
	dir := module(t, strings.Replace(program, `os.Stdout.WriteString(`, `os.Stdout.WriteString(1 + `, 1))
	out, err := build(t, dir)
	if err == nil {
		t.Fatal("the broken program built")
	}
	if !strings.Contains(out, "main.go:11:") || strings.Contains(out, "lineless:") {
		t.Errorf("go build said:\n%s\nwant the compiler's diagnostic at main.go:11", out)
	}
}

// TestVersion: the compiler's version, which keys the go command's build
// cache, carries lineless's mark, so that objects with positions and
// without are cached apart.
func TestVersion(t *testing.T) {
	compile, err := exec.Command("go", "env", "GOTOOLDIR").Output()
	if err != nil {
		t.Fatal(err)
	}
	tool := filepath.Join(strings.TrimSpace(string(compile)), "compile")
	lineless := filepath.Join(t.TempDir(), "lineless")
	if out, err := exec.Command("go", "build", "-o", lineless, ".").CombinedOutput(); err != nil {
		t.Fatalf("building lineless: %v\n%s", err, out)
	}
	plain, err := exec.Command(tool, "-V=full").Output()
	if err != nil {
		t.Fatal(err)
	}
	marked, err := exec.Command(lineless, tool, "-V=full").Output()
	if err != nil {
		t.Fatal(err)
	}
	p, m := strings.TrimSpace(string(plain)), strings.TrimSpace(string(marked))
	if !strings.HasPrefix(m, p) || !strings.Contains(m[len(p):], "lineless-") {
		t.Errorf("compile -V=full: %q through lineless: %q", p, m)
	}
}

// TestCompilerSubstitution: with $SSHBOX_COMPILE set, lineless runs that
// compiler where the go command names its own, and its answer to -V=full
// (the go command's cache key) changes with that compiler's contents.
func TestCompilerSubstitution(t *testing.T) {
	lineless := buildLineless(t)
	tooldir, err := exec.Command("go", "env", "GOTOOLDIR").Output()
	if err != nil {
		t.Fatal(err)
	}
	gos := filepath.Join(strings.TrimSpace(string(tooldir)), "compile")
	fake := filepath.Join(t.TempDir(), "compile")
	version := func(compiler string) string {
		t.Helper()
		cmd := exec.Command(lineless, gos, "-V=full")
		cmd.Env = append(os.Environ(), "SSHBOX_COMPILE="+compiler)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("SSHBOX_COMPILE=%s lineless %s -V=full: %v", compiler, gos, err)
		}
		return strings.TrimSpace(string(out))
	}
	plain := version("")
	if !strings.HasPrefix(plain, "compile version ") || !strings.Contains(plain, " lineless-") {
		t.Fatalf("go command's compiler: %q", plain)
	}
	answers := map[string]bool{plain: true}
	for _, v := range []string{"one", "two"} {
		if err := os.WriteFile(fake, []byte("#!/bin/sh\necho compile version "+v+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		got := version(fake)
		if !strings.HasPrefix(got, "compile version "+v+" lineless-") {
			t.Errorf("SSHBOX_COMPILE=%s (version %s): lineless answered %q", fake, v, got)
		}
		answers[got] = true
	}
	if len(answers) != 3 {
		t.Errorf("the answers do not tell the three compilers apart: %v", answers)
	}
}
