package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"sshbox/internal/testenv"
)

// addCase is one ssh-add command line run by sshbox's ssh-add and by
// OpenSSH's, each against an agent that setup (OpenSSH's ssh-add command
// lines, after emptying it) has prepared.
type addCase struct {
	name  string
	setup [][]string
	args  []string
	stdin string   // file on standard input; none: /dev/null
	env   []string // added to the agent environment
}

// addRun is what one ssh-add did: its output, status, the prompts the
// askpass program was given and the agent's keys afterwards (-l).
type addRun struct {
	stdout, stderr string
	status         int
	asked          string
	agentKeys      string
}

func (r addRun) String() string {
	return fmt.Sprintf("status %d, stdout %q, stderr %q, askpass asked %q, agent holds %q", r.status, r.stdout, r.stderr, r.asked, r.agentKeys)
}

// addKeyDir makes the keys the comparisons use, in a directory of their
// own that is also the commands' working directory, so that messages name
// them alike: ed25519 (with a certificate beside it), rsa and ecdsa with
// comments, enc_* with the passphrase "pw", nocomment, and an askpass
// program that answers "pw" and logs its prompts to asked.
func addKeyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	keygen := testenv.NeedCmd(t, "ssh-keygen")
	gen := func(args ...string) {
		cmd := exec.Command(keygen, append([]string{"-q"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen %q: %v\n%s", args, err, out)
		}
	}
	for _, typ := range []string{"ed25519", "rsa", "ecdsa"} {
		gen("-t", typ, "-N", "", "-C", "c-"+typ, "-f", typ)
		gen("-t", typ, "-N", "pw", "-C", "enc-"+typ, "-f", "enc_"+typ)
	}
	gen("-t", "ed25519", "-N", "", "-C", "", "-f", "nocomment")
	gen("-t", "ed25519", "-N", "", "-f", "ca")
	gen("-s", "ca", "-I", "the-id", "-n", "u", "ed25519.pub")
	script := "#!/bin/sh\necho \"$1\" >> " + filepath.Join(dir, "asked") + "\necho pw\n"
	if err := os.WriteFile(filepath.Join(dir, "askpass"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// compareAdd runs every case with both ssh-adds against sshbox's agent and
// OpenSSH's, and fails where sshbox's differs from OpenSSH's in stdout,
// stderr, exit status, askpass prompts or the keys it left in the agent.
func compareAdd(t *testing.T, dir string, cases []addCase) {
	ours, theirs := testenv.Bin(t, "ssh-add"), testenv.NeedCmd(t, "ssh-add")
	for _, agentName := range []string{"sshbox", "openssh"} {
		prog := testenv.Bin(t, "ssh-agent")
		if agentName == "openssh" {
			prog = testenv.NeedCmd(t, "ssh-agent")
		}
		sock := startAgent(t, prog, t.TempDir(), nil, nil)
		for _, c := range cases {
			t.Run(agentName+"-agent/"+c.name, func(t *testing.T) {
				want := runAdd(t, dir, sock, theirs, c)
				got := runAdd(t, dir, sock, ours, c)
				if got != want {
					t.Errorf("ssh-add %q\nsshbox:  %v\nOpenSSH: %v", c.args, got, want)
				}
			})
		}
	}
}

func runAdd(t *testing.T, dir, sock, prog string, c addCase) addRun {
	t.Helper()
	openssh := testenv.NeedCmd(t, "ssh-add")
	asked := filepath.Join(dir, "asked")
	os.Remove(asked)
	for _, args := range append([][]string{{"-D"}}, c.setup...) {
		if out, err := addCmd(dir, sock, openssh, nil, args).CombinedOutput(); err != nil {
			t.Fatalf("setup ssh-add %q: %v\n%s", args, err, out)
		}
	}
	cmd := addCmd(dir, sock, prog, c.env, c.args)
	if c.stdin != "" {
		f, err := os.Open(filepath.Join(dir, c.stdin))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	r := addRun{status: testenv.ExitCode(cmd.Run())}
	r.stdout, r.stderr = o.String(), e.String()
	b, _ := os.ReadFile(asked)
	r.asked = string(b)
	list, _ := addCmd(dir, sock, openssh, nil, []string{"-l"}).Output()
	r.agentKeys = string(list)
	return r
}

// addCmd is ssh-add without a terminal, in dir, on the agent at sock.
func addCmd(dir, sock, prog string, env, args []string) *exec.Cmd {
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Env = append(agentEnv(sock), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd
}

// TestSSHAddTestOpenSSH: ssh-add -T says nothing for keys the agent holds
// and exits 0; a key it lacks, a file that holds no public key, a
// certificate it was not given make the status 1, with OpenSSH's lines.
func TestSSHAddTestOpenSSH(t *testing.T) {
	dir := addKeyDir(t)
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	os.WriteFile(filepath.Join(dir, "junk.pub"), []byte("junk\n"), 0o644)
	for from, to := range map[string]string{"ecdsa": "lone", "enc_ecdsa": "lone_enc"} {
		data, err := os.ReadFile(filepath.Join(dir, from))
		if err != nil || os.WriteFile(filepath.Join(dir, to), data, 0o600) != nil {
			t.Fatal(from, err)
		}
	}
	held := [][]string{{"ed25519", "rsa", "ecdsa"}}
	compareAdd(t, dir, []addCase{
		{name: "held", setup: held, args: []string{"-T", "ed25519.pub", "rsa.pub", "ecdsa.pub"}},
		{name: "private key files", setup: held, args: []string{"-T", "ed25519", "rsa"}},
		{name: "private key, no .pub", setup: [][]string{{"ecdsa"}}, args: []string{"-T", "lone"}},
		{name: "encrypted private key, no .pub", setup: held, args: []string{"-T", "lone_enc"}},
		{name: "certificate", setup: held, args: []string{"-T", "ed25519-cert.pub"}},
		{name: "certificate not added", setup: [][]string{{"-k", "ed25519"}}, args: []string{"-T", "ed25519-cert.pub"}},
		{name: "not held", setup: [][]string{{"ed25519"}}, args: []string{"-T", "rsa.pub"}},
		{name: "one of several fails", setup: [][]string{{"ed25519", "ecdsa"}}, args: []string{"-T", "ed25519.pub", "rsa.pub", "ecdsa.pub"}},
		{name: "no such file", setup: held, args: []string{"-T", "nonexistent", "ed25519.pub"}},
		{name: "directory", setup: held, args: []string{"-T", "adir"}},
		{name: "not a key", setup: held, args: []string{"-T", "junk.pub"}},
		{name: "stdin is no file here", setup: held, args: []string{"-T", "-"}, stdin: "ed25519.pub"},
		{name: "no files", args: []string{"-T"}},
		{name: "quiet", args: []string{"-qT", "ecdsa.pub"}},
		{name: "-l wins", setup: held, args: []string{"-T", "-l", "ecdsa.pub"}},
		{name: "-T over -d", setup: held, args: []string{"-T", "-d", "ed25519.pub"}},
	})
}

// TestSSHAddTestUnreadable: a public key file its user cannot read is, for
// -T, a file that is not there, as OpenSSH's loader words every failure.
func TestSSHAddTestUnreadable(t *testing.T) {
	u := testenv.NewUser(t, "")
	cred := &syscall.Credential{Uid: uint32(u.UID), Gid: uint32(u.GID)}
	// t.TempDir's parent is private to root; the user needs a way in.
	dir, err := os.MkdirTemp("", "sshadd-T-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	key := testenv.OpenSSHKey(t, dir, "ed25519") // root's, 0600
	os.Chmod(key+".pub", 0o600)
	sock := startAgent(t, testenv.Bin(t, "ssh-agent"), dir, cred, nil)
	var outs [2]string
	for i, prog := range []string{testenv.Bin(t, "ssh-add"), testenv.NeedCmd(t, "ssh-add")} {
		cmd := exec.Command(prog, "-T", key+".pub")
		cmd.Env = agentEnv(sock)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: cred}
		out, err := cmd.CombinedOutput()
		outs[i] = fmt.Sprintf("%s status %d", out, testenv.ExitCode(err))
	}
	want := "Couldn't read public key " + key + ".pub: No such file or directory\r\n status 1"
	if outs[0] != outs[1] || outs[1] != want {
		t.Errorf("sshbox %q\nOpenSSH %q\nwant %q", outs[0], outs[1], want)
	}
}
