package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSSHAddActionsOpenSSH: ssh-add's command line read as OpenSSH 9.2's
// getopt loop reads it: a second -l/-L or -x/-X and a bad -E are fatal
// where they come (so before a later unknown option), -l, -x and -D
// together are an invalid combination, and otherwise -x, -l, -D, -T
// take precedence in that order; getopt's and fatal()'s lines end in
// \r\n, the usage after them in \n.
func TestSSHAddActionsOpenSSH(t *testing.T) {
	dir := addKeyDir(t)
	held := [][]string{{"ed25519", "rsa"}}
	var cases []addCase
	for _, args := range [][]string{
		{"-lL"}, {"-Ll"}, {"-ll"}, {"-LL"}, {"-xX"}, {"-Xx"}, {"-xx"},
		{"-xl"}, {"-lx"}, {"-Lx"}, {"-lD"}, {"-Dl"}, {"-xD"}, {"-DX"}, {"-xlD"},
		{"-DD"}, {"-dD"}, {"-Dd", "rsa"}, {"-DT", "rsa.pub"}, {"-qD"},
		{"-ld"}, {"-lT"}, {"-dT"}, {"-Ld", "rsa"},
		{"-lLZ"}, {"-Z", "-lL"}, {"-x", "-lL"}, {"-l", "-x", "-Z"},
		{"-E", "foo", "-lL"}, {"-lL", "-E", "foo"}, {"-E", "foo", "-Z"}, {"-Z", "-E", "foo"},
		{"-t", "0", "-lL"}, {"-lL", "-t", "x"}, {"-t", "x", "-lL"}, {"-t", "0", "ecdsa"},
		{"-Z"}, {"-lZ"}, {"-C", "-l"}, {"-h"}, {"-lh"}, {"-lE"}, {"-l", "--", "-Z"},
		{"-M", "0", "-l"}, {"-M", "x", "-lL"}, {"-m", "0", "-x"},
		// Flags sshbox leaves out are not acted on under these, in
		// OpenSSH's ssh-add either.
		{"-l", "-s", "lib.so"}, {"-e", "lib.so", "-L"}, {"-h", "host", "-l"}, {"-D", "-K"},
		{"-T", "ed25519.pub", "-S", "prov"}, {"-H", "hosts", "-T"},
	} {
		cases = append(cases, addCase{name: fmt.Sprint(args), setup: held, args: args})
	}
	compareAdd(t, dir, cases)
}

// TestSSHAddUnprotectedOpenSSH: a private key file others may read is
// refused with OpenSSH's banner, whose lines are error() lines (\r\n).
func TestSSHAddUnprotectedOpenSSH(t *testing.T) {
	dir := addKeyDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "ed25519"))
	if err != nil || os.WriteFile(filepath.Join(dir, "open"), data, 0o644) != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "open"), 0o644)
	compareAdd(t, dir, []addCase{
		{name: "open", args: []string{"open"}},
		{name: "open among others", args: []string{"rsa", "open", "ecdsa"}},
		{name: "quiet", args: []string{"-q", "open"}},
	})
}

// TestSSHAddNoAgentFirst: OpenSSH's ssh-add connects to the agent before
// it reads its command line, so without one every command line, a wrong
// one too, gets the agent's error and status 2.
func TestSSHAddNoAgentFirst(t *testing.T) {
	dir := t.TempDir()
	ours, theirs := testenv.Bin(t, "ssh-add"), testenv.NeedCmd(t, "ssh-add")
	for _, sock := range []string{"", filepath.Join(dir, "nonexistent")} {
		for _, args := range [][]string{
			{"-l"}, {"-Z"}, {"-lL"}, {"-xl"}, {"-h"}, {"-E", "foo"}, {"-t", "x"}, {"-s", "lib.so"}, {"-T"}, {"nofile"},
		} {
			var runs [2]string
			for i, prog := range []string{ours, theirs} {
				cmd := addCmd(dir, sock, prog, nil, args)
				if sock == "" {
					env := agentEnv("")
					cmd.Env = env[:len(env)-1] // SSH_AUTH_SOCK unset
				}
				var o, e bytes.Buffer
				cmd.Stdout, cmd.Stderr = &o, &e
				status := testenv.ExitCode(cmd.Run())
				runs[i] = fmt.Sprintf("status %d, stdout %q, stderr %q", status, o.String(), e.String())
			}
			if runs[0] != runs[1] {
				t.Errorf("SSH_AUTH_SOCK=%q ssh-add %q\nsshbox:  %s\nOpenSSH: %s", sock, args, runs[0], runs[1])
			}
		}
	}
}

// TestSSHAddDeleteOpenSSH: ssh-add -d finds a key as OpenSSH's
// sshkey_load_public does (the file, FILE.pub even when FILE is missing,
// a private key's stored half), names it by the comment, the .pub file
// when that has none, "no comment" for a private key's; a FILE-cert.pub
// that certifies another key stops ssh-add (255) after the key is gone.
func TestSSHAddDeleteOpenSSH(t *testing.T) {
	dir := addKeyDir(t)
	copyFile := func(from, to string, mode os.FileMode) {
		data, err := os.ReadFile(filepath.Join(dir, from))
		if err != nil || os.WriteFile(filepath.Join(dir, to), data, mode) != nil {
			t.Fatal(from, err)
		}
	}
	copyFile("ed25519.pub", "only.pub", 0o644)          // no "only"
	copyFile("ed25519-cert.pub", "rsa-cert.pub", 0o644) // another key's
	copyFile("ecdsa", "lone", 0o600)                    // no "lone.pub"
	copyFile("enc_ecdsa", "lone_enc", 0o600)
	copyFile("ed25519-cert.pub", "only-cert.pub.pub", 0o644) // found as only-cert.pub
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	all := [][]string{{"ed25519", "rsa", "ecdsa", "nocomment"}}
	compareAdd(t, dir, []addCase{
		{name: "key and certificate", setup: all, args: []string{"-d", "ed25519"}},
		{name: "certificate named", setup: all, args: []string{"-d", "ed25519-cert.pub"}},
		{name: "FILE.pub without FILE", setup: all, args: []string{"-d", "only"}},
		{name: "FILE.pub without FILE, -T", setup: all, args: []string{"-T", "only"}},
		{name: "no comment", setup: all, args: []string{"-d", "nocomment"}},
		{name: "no comment, .pub named", setup: all, args: []string{"-d", "nocomment.pub"}},
		{name: "private key only", setup: all, args: []string{"-d", "lone"}},
		{name: "encrypted private key only", setup: [][]string{{"ecdsa"}}, args: []string{"-d", "lone_enc"}},
		{name: "mismatched certificate", setup: all, args: []string{"-d", "rsa"}},
		{name: "mismatched certificate stops", setup: all, args: []string{"-d", "rsa", "ecdsa"}},
		{name: "mismatched certificate, key not held", setup: [][]string{{"ecdsa"}}, args: []string{"-d", "rsa", "ecdsa"}},
		{name: "mismatched certificate, -k", setup: all, args: []string{"-dk", "rsa", "ecdsa"}},
		{name: "mismatched certificate, quiet", setup: all, args: []string{"-qd", "rsa"}},
		{name: "directory", setup: all, args: []string{"-d", "adir"}},
		{name: "nothing", setup: all, args: []string{"-d", "nonexistent", "ecdsa"}},
	})
}

// TestSSHAddLockEOFOpenSSH: -x and -X with nothing on standard input send
// an empty password, as OpenSSH's read_passphrase makes of an end of
// file; what the agent answers is the agent's (OpenSSH's refuses to lock
// with one).
func TestSSHAddLockEOFOpenSSH(t *testing.T) {
	dir := t.TempDir()
	ours, theirs := testenv.Bin(t, "ssh-add"), testenv.NeedCmd(t, "ssh-add")
	for _, agentProg := range []string{testenv.Bin(t, "ssh-agent"), testenv.NeedCmd(t, "ssh-agent")} {
		sock := startAgent(t, agentProg, t.TempDir(), nil, nil)
		for _, args := range [][]string{{"-x"}, {"-X"}, {"-x", "-k"}} {
			var runs [2]string
			for i, prog := range []string{ours, theirs} {
				cmd := addCmd(dir, sock, prog, nil, args)
				var o, e bytes.Buffer
				cmd.Stdout, cmd.Stderr = &o, &e
				status := testenv.ExitCode(cmd.Run())
				runs[i] = fmt.Sprintf("status %d, stdout %q, stderr %q", status, o.String(), e.String())
				// Unlocked again for the next run, whoever locked it.
				addCmd(dir, sock, theirs, nil, []string{"-X"}).Run()
			}
			if runs[0] != runs[1] {
				t.Errorf("%s: ssh-add %q\nsshbox:  %s\nOpenSSH: %s", agentProg, args, runs[0], runs[1])
			}
		}
	}
}

// TestAgentLockEmptyOpenSSH: both agents refuse to lock, or unlock, with
// an empty password, as OpenSSH's agent does, whichever ssh-add asks:
// ssh-add says "Failed to lock agent: agent refused operation" (status 1)
// and the keys stay listed. A lock with a password holds against an empty
// unlock and gives way to the right one.
func TestAgentLockEmptyOpenSSH(t *testing.T) {
	dir := addKeyDir(t)
	adds := []string{testenv.Bin(t, "ssh-add"), testenv.NeedCmd(t, "ssh-add")}
	agents := []string{testenv.Bin(t, "ssh-agent"), testenv.NeedCmd(t, "ssh-agent")}
	steps := []struct{ args, stdin string }{
		{"-x", "\n\n"}, // lock with an empty password: refused
		{"-l", ""},     // still unlocked
		{"-X", "\n"},   // unlock an unlocked agent with one: refused
		{"-x", "pw\npw\n"},
		{"-X", "\n"}, // locked: an empty password does not unlock
		{"-l", ""},   // still locked
		{"-X", "pw\n"},
		{"-l", ""},
	}
	for _, add := range adds {
		var runs [2]string
		for i, agentProg := range agents {
			sock := startAgent(t, agentProg, t.TempDir(), nil, nil)
			if err := addCmd(dir, sock, adds[1], nil, []string{"-q", "ed25519"}).Run(); err != nil {
				t.Fatalf("%s: ssh-add ed25519: %v", agentProg, err)
			}
			var b strings.Builder
			for _, s := range steps {
				cmd := addCmd(dir, sock, add, nil, []string{s.args})
				cmd.Stdin = strings.NewReader(s.stdin)
				var o, e bytes.Buffer
				cmd.Stdout, cmd.Stderr = &o, &e
				status := testenv.ExitCode(cmd.Run())
				fmt.Fprintf(&b, "%s %q: status %d, stdout %q, stderr %q\n", s.args, s.stdin, status, o.String(), e.String())
			}
			runs[i] = b.String()
		}
		if runs[0] != runs[1] {
			t.Errorf("%s\nsshbox's agent:\n%sOpenSSH's agent:\n%s", add, runs[0], runs[1])
		}
		if !strings.Contains(runs[1], `-x "\n\n": status 1, stdout "", stderr "Enter lock password: Again: Failed to lock agent: agent refused operation\n"`) {
			t.Errorf("%s with OpenSSH's agent, not as expected:\n%s", add, runs[1])
		}
	}
}
