package compilecheck

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// program prints what it saw of the runtime's behaviour, one line a check;
// where a compiler broke one of them it hangs (preemption) or says
// something else.
const program = `package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// add is small enough to inline into spin's loop, which then has calls
// inlined from outside the runtime, whose tree entries are pruned.
func add(a, b int) int { return a + b*3 ^ a>>1 }

var sink int

func spin(stop *bool) {
	x := 0
	for !*stop { // no call: only an asynchronous preemption lets main run
		x = add(x, 7)
	}
	sink = x
}

func helperRecover() any { return recover() }

func recovers() (direct, viaHelper any) {
	func() {
		defer func() { direct = recover() }()
		panic("direct")
	}()
	func() {
		defer func() {
			viaHelper = helperRecover() // not called by the deferred function itself: nil
			if r := recover(); r != "helper" {
				fmt.Println("outer recover:", r)
			}
		}()
		panic("helper")
	}()
	return
}

type node struct {
	next *node
	data [64]byte
}

// churn allocates lists in many goroutines while collections run, so that
// stacks are scanned while deep in inlined code.
func churn() int {
	var wg sync.WaitGroup
	total := make([]int, 8)
	for g := range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 200; round++ {
				var head *node
				for i := 0; i < 200; i++ {
					head = &node{next: head}
					head.data[0] = byte(i)
				}
				for n := head; n != nil; n = n.next {
					total[g] += int(n.data[0])
				}
				if round%50 == 0 {
					runtime.GC()
				}
			}
		}()
	}
	wg.Wait()
	sum := 0
	for _, t := range total {
		sum += t
	}
	return sum
}

func main() {
	runtime.GOMAXPROCS(1)
	stop := false
	go spin(&stop)
	time.Sleep(20 * time.Millisecond)
	stop = true
	fmt.Println("preempted a loop with inlined calls")

	d, h := recovers()
	fmt.Println("recover:", d, h)

	runtime.GOMAXPROCS(4)
	fmt.Println("churn:", churn())

	stack := string(debug.Stack())
	fmt.Println("stack names main.main:", strings.Contains(stack, "main.main()") || strings.Contains(stack, "main.main("))

	defer func() {
		fmt.Println("panic value:", recover())
		os.Exit(0)
	}()
	var m map[string]int
	m["x"] = 1
}
`

const want = `preempted a loop with inlined calls
recover: direct <nil>
churn: 31840000
stack names main.main: true
panic value: assignment to entry in nil map
`

// TestSameBehaviour builds the program with the go command's compiler and
// with scripts/compiler's (through lineless, as scripts/build does) and
// checks that both print what they should.
func TestSameBehaviour(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the runtime")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	compiler, err := exec.Command(filepath.Join(root, "scripts/compiler")).Output()
	if err != nil {
		t.Fatalf("scripts/compiler: %v", err)
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"go.mod": "module prog\n\ngo 1.26\n", "main.go": program} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lineless := filepath.Join(dir, "lineless")
	build := exec.Command("go", "build", "-o", lineless, "./internal/lineless/cmd/lineless")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building lineless: %v\n%s", err, out)
	}
	builds := map[string][]string{"go command's compiler": nil}
	if c := strings.TrimSpace(string(compiler)); c != "" {
		builds["scripts/compiler's"] = []string{"-toolexec", lineless, "SSHBOX_COMPILE=" + c}
	} else {
		t.Log("scripts/compiler made no compiler for this GOROOT: checking the go command's alone")
	}
	for name, how := range builds {
		bin := filepath.Join(dir, strings.Fields(name)[0])
		args := []string{"build", "-o", bin}
		env := append(os.Environ(), "GOFLAGS=", "CGO_ENABLED=0")
		if how != nil {
			args = append(args, how[0], how[1])
			env = append(env, how[2])
		}
		cmd := exec.Command("go", append(args, ".")...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: go build: %v\n%s", name, err, out)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		var out bytes.Buffer
		run := exec.CommandContext(ctx, bin)
		run.Stdout, run.Stderr = &out, &out
		err := run.Run()
		cancel()
		if err != nil || out.String() != want {
			t.Errorf("%s: the program (%v) printed\n%s\nwant\n%s", name, err, out.String(), want)
		}
	}
}
