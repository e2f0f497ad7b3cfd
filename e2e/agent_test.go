package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestAgentInterop: each ssh-add (sshbox's, OpenSSH's) adds a key to each
// agent (sshbox's, OpenSSH's); both ssh-adds list it alike, and OpenSSH's
// ssh logs in with the agent's key alone.
func TestAgentInterop(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	progs := map[string]map[string]string{
		"sshbox":  {"agent": testenv.Bin(t, "ssh-agent"), "add": testenv.Bin(t, "ssh-add")},
		"openssh": {"agent": testenv.NeedCmd(t, "ssh-agent"), "add": testenv.NeedCmd(t, "ssh-add")},
	}
	fp := fingerprint(t, e.key+".pub")
	for _, agentName := range []string{"sshbox", "openssh"} {
		for _, adder := range []string{"sshbox", "openssh"} {
			t.Run(adder+"-add-to-"+agentName+"-agent", func(t *testing.T) {
				sock := startAgent(t, progs[agentName]["agent"], t.TempDir(), nil, nil)
				_, stderr, status := agentRun(t, sock, progs[adder]["add"], e.key)
				if status != 0 || !strings.HasPrefix(stderr, "Identity added: "+e.key+" (") {
					t.Fatalf("ssh-add: status %d, stderr %q", status, stderr)
				}
				ours, _, st1 := agentRun(t, sock, progs["sshbox"]["add"], "-l")
				theirs, _, st2 := agentRun(t, sock, progs["openssh"]["add"], "-l")
				if st1 != 0 || st2 != 0 || ours != theirs || !strings.Contains(ours, fp) {
					t.Errorf("-l: sshbox %d %q, OpenSSH %d %q", st1, ours, st2, theirs)
				}
				ours, _, _ = agentRun(t, sock, progs["sshbox"]["add"], "-L")
				theirs, _, _ = agentRun(t, sock, progs["openssh"]["add"], "-L")
				if ours != theirs {
					t.Errorf("-L: sshbox %q, OpenSSH %q", ours, theirs)
				}
				if status, stderr := loginWithAgent(t, e, sock); status != 0 || !strings.Contains(stderr, "agent") {
					t.Errorf("login with the agent's key: status %d\n%s", status, stderr)
				}
				_, stderr, status = agentRun(t, sock, progs[adder]["add"], "-d", e.key)
				if status != 0 || !strings.HasPrefix(stderr, "Identity removed: "+e.key+" ED25519 (") {
					t.Errorf("-d: status %d, stderr %q", status, stderr)
				}
				out, _, status := agentRun(t, sock, progs["sshbox"]["add"], "-l")
				if status != 1 || out != "The agent has no identities.\n" {
					t.Errorf("-l after -d: status %d, %q", status, out)
				}
			})
		}
	}
}

// TestAgentLifetime: a key added with -t 2, or to an agent started with
// -t 2, is gone a little later.
func TestAgentLifetime(t *testing.T) {
	dir := t.TempDir()
	key := testenv.OpenSSHKey(t, dir, "ed25519")
	add := testenv.Bin(t, "ssh-add")
	for name, c := range map[string]struct{ agentArgs, addArgs []string }{
		"ssh-add -t": {nil, []string{"-t", "2", key}},
		"agent -t":   {[]string{"-t", "2"}, []string{key}},
	} {
		t.Run(name, func(t *testing.T) {
			sock := startAgent(t, testenv.Bin(t, "ssh-agent"), t.TempDir(), nil, nil, c.agentArgs...)
			_, stderr, status := agentRun(t, sock, add, c.addArgs...)
			if status != 0 {
				t.Fatalf("ssh-add: %d %s", status, stderr)
			}
			if c.agentArgs == nil && !strings.Contains(stderr, "Lifetime set to 2 seconds\n") {
				t.Errorf("ssh-add -t: %q", stderr)
			}
			if out, _, status := agentRun(t, sock, testenv.NeedCmd(t, "ssh-add"), "-l"); status != 0 {
				t.Fatalf("the key is not listed at first: %q", out)
			}
			waitFor(t, "the key to expire", func() bool {
				out, _, status := agentRun(t, sock, add, "-l")
				return status == 1 && out == "The agent has no identities.\n"
			})
		})
	}
}

// TestAgentOtherUID: the agent serves its own user and root, and drops
// everyone else even when the socket's mode would let them in.
func TestAgentOtherUID(t *testing.T) {
	owner := testenv.NewUser(t, "")
	other := testenv.NewUser(t, "")
	var runAs func(prog string, u *testenv.User) (string, int)
	// t.TempDir's parent is private to root; the owner needs a way in.
	dir, err := os.MkdirTemp("", "agent-uid-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	sock := startAgent(t, testenv.Bin(t, "ssh-agent"), dir, &syscall.Credential{Uid: uint32(owner.UID), Gid: uint32(owner.GID)}, nil)
	os.Chmod(sock, 0o666)
	run := func(u *testenv.User) (string, int) { return runAs(testenv.NeedCmd(t, "ssh-add"), u) }
	runAs = func(prog string, u *testenv.User) (string, int) {
		cmd := exec.Command(prog, "-l")
		cmd.Env = agentEnv(sock)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if u != nil {
			cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(u.UID), Gid: uint32(u.GID)}
		}
		out, err := cmd.CombinedOutput()
		return string(out), testenv.ExitCode(err)
	}
	for name, u := range map[string]*testenv.User{"owner": owner, "root": nil} {
		if out, status := run(u); status != 1 || out != "The agent has no identities.\n" {
			t.Errorf("%s: status %d, %q", name, status, out)
		}
	}
	out, status := run(other)
	if status == 0 || strings.Contains(out, "no identities") {
		t.Errorf("another uid was served: status %d, %q", status, out)
	}
	// (OpenSSH's ssh-add dies of SIGPIPE there; sshbox's says why.)
	want := "error fetching identities: communication with agent failed\n"
	if ours, st := runAs(testenv.Bin(t, "ssh-add"), other); ours != want || st != 1 {
		t.Errorf("sshbox's ssh-add as another uid: %d %q, want 1 %q", st, ours, want)
	}
}

// TestAgentLockUnlock: ssh-add -x asks twice on the terminal and locks;
// a locked agent lists nothing and signs nothing; -X with the wrong
// password fails, with the right one unlocks.
func TestAgentLockUnlock(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	sock := startAgent(t, testenv.Bin(t, "ssh-agent"), t.TempDir(), nil, nil)
	add := testenv.Bin(t, "ssh-add")
	if _, stderr, status := agentRun(t, sock, add, e.key); status != 0 {
		t.Fatalf("ssh-add: %s", stderr)
	}
	// term runs sshbox's ssh-add in a terminal, answers its prompts, waits
	// for its last line (the pty delivers output apart from the exit) and
	// returns its exit status.
	term := func(answers []string, last string, args ...string) int {
		tm := testenv.StartTerm(t, 24, 80, []string{"SSH_AUTH_SOCK=" + sock, "SSH_ASKPASS=", "DISPLAY="}, add, args...)
		at := 0
		for i, a := range answers {
			prompt := "Enter lock password: "
			if i == 1 {
				prompt = "Again: "
			}
			at = tm.Expect(at, prompt, 20*time.Second)
			tm.Type(a + "\n")
		}
		tm.Expect(at, last, 20*time.Second)
		return tm.Wait(20 * time.Second)
	}
	if status := term([]string{"pw1", "pw1"}, "Agent locked.", "-x"); status != 0 {
		t.Fatalf("-x: status %d", status)
	}
	if out, _, status := agentRun(t, sock, testenv.NeedCmd(t, "ssh-add"), "-l"); status != 1 || out != "The agent has no identities.\n" {
		t.Errorf("locked agent lists: %d %q", status, out)
	}
	if status, _ := loginWithAgent(t, e, sock); status == 0 {
		t.Errorf("a locked agent's key logged in")
	}
	if status := term([]string{"wrong"}, "Failed to unlock agent: agent refused operation", "-X"); status != 1 {
		t.Errorf("-X wrong password: status %d", status)
	}
	if status := term([]string{"pw1", "pw2"}, "Passwords do not match.", "-x"); status != 1 {
		t.Errorf("-x mismatch: status %d", status)
	}
	if status := term([]string{"pw1"}, "Agent unlocked.", "-X"); status != 0 {
		t.Errorf("-X: status %d", status)
	}
	if status, stderr := loginWithAgent(t, e, sock); status != 0 {
		t.Errorf("login after unlock: %d\n%s", status, stderr)
	}
}

// TestAgentConfirm: a key added with -c is used only when the agent's
// askpass program (run with SSH_ASKPASS_PROMPT=confirm) allows it, as
// OpenSSH's ask_permission reads it: an empty answer or "yes" allows, "no",
// a failing program, a missing one or no display refuses. OpenSSH's agent
// runs each case beside sshbox's.
func TestAgentConfirm(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	dir := t.TempDir()
	askpass := filepath.Join(dir, "askpass")
	answer := filepath.Join(dir, "answer")
	asked := filepath.Join(dir, "asked")
	// answer holds the exit status, then what to print.
	script := "#!/bin/sh\necho \"$SSH_ASKPASS_PROMPT:$1\" >> " + asked + "\nread st out < " + answer +
		"\n[ -n \"$out\" ] && echo \"$out\"\nexit $st\n"
	if err := os.WriteFile(askpass, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, askpass, display, answer string
		allowed                        bool
	}{
		{"no program", filepath.Join(dir, "missing"), ":0", "0", false},
		{"fails", askpass, ":0", "1", false},
		{"empty answer", askpass, ":0", "0", true},
		{"yes", askpass, ":0", "0 yes", true},
		{"no", askpass, ":0", "0 no", false},
		{"no display", askpass, "", "0", false},
	} {
		for _, prog := range []string{testenv.Bin(t, "ssh-agent"), testenv.NeedCmd(t, "ssh-agent")} {
			what := c.name + ", " + prog
			os.WriteFile(answer, []byte(c.answer+"\n"), 0o644)
			os.Remove(asked)
			sock := startAgent(t, prog, t.TempDir(), nil, []string{"SSH_ASKPASS=" + c.askpass, "DISPLAY=" + c.display})
			_, stderr, status := agentRun(t, sock, testenv.NeedCmd(t, "ssh-add"), "-c", e.key)
			if status != 0 || !strings.Contains(stderr, "The user must confirm each use of the key") {
				t.Fatalf("%s: ssh-add -c: %d %q", what, status, stderr)
			}
			if status, stderr := loginWithAgent(t, e, sock); (status == 0) != c.allowed {
				t.Errorf("%s: login status %d, want allowed %v\n%s", what, status, c.allowed, stderr)
			}
			b, _ := os.ReadFile(asked)
			if wantAsked := c.askpass == askpass && c.display != ""; wantAsked != strings.HasPrefix(string(b), "confirm:Allow use of key ") {
				t.Errorf("%s: askpass was asked %q", what, b)
			}
		}
	}
}

// TestAgentShell: -s and -c print OpenSSH's lines; the socket is in a
// private ssh-XXXXXXXXXXXX directory under TMPDIR; -k kills the agent
// named by SSH_AGENT_PID, which removes its socket and directory; with a
// command the agent lives as long as the command.
func TestAgentShell(t *testing.T) {
	tmp := t.TempDir()
	agentBin := testenv.Bin(t, "ssh-agent")
	run := func(env []string, args ...string) (string, string, int) {
		cmd := exec.Command(agentBin, args...)
		cmd.Env = append(agentEnv(""), append([]string{"TMPDIR=" + tmp}, env...)...)
		var o, e strings.Builder
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		return o.String(), e.String(), testenv.ExitCode(err)
	}
	shRe := regexp.MustCompile(`^SSH_AUTH_SOCK=(` + regexp.QuoteMeta(tmp) + `/ssh-[A-Za-z0-9]{12})/agent\.\d+; export SSH_AUTH_SOCK;\nSSH_AGENT_PID=(\d+); export SSH_AGENT_PID;\necho Agent pid (\d+);\n$`)
	cshRe := regexp.MustCompile(`^setenv SSH_AUTH_SOCK (` + regexp.QuoteMeta(tmp) + `/ssh-[A-Za-z0-9]{12})/agent\.\d+;\nsetenv SSH_AGENT_PID (\d+);\necho Agent pid (\d+);\n$`)
	for _, c := range []struct {
		env   []string
		args  []string
		re    *regexp.Regexp
		unset string
	}{
		{[]string{"SHELL=/bin/bash"}, nil, shRe, "unset"},
		{[]string{"SHELL=/bin/tcsh"}, nil, cshRe, "unsetenv"},
		{[]string{"SHELL=/bin/tcsh"}, []string{"-s"}, shRe, "unset"},
		{[]string{"SHELL=/bin/bash"}, []string{"-c"}, cshRe, "unsetenv"},
	} {
		out, stderr, status := run(c.env, c.args...)
		m := c.re.FindStringSubmatch(out)
		if status != 0 || m == nil || m[2] != m[3] {
			t.Fatalf("%v %v: status %d, stdout %q, stderr %q", c.env, c.args, status, out, stderr)
		}
		dir, pid := m[1], m[2]
		n, _ := strconv.Atoi(pid)
		t.Cleanup(func() { syscall.Kill(n, syscall.SIGKILL) })
		if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("socket directory: %v %v", st.Mode(), err)
		}
		sock := strings.TrimPrefix(strings.SplitN(out, ";", 2)[0], "SSH_AUTH_SOCK=")
		sock = strings.TrimPrefix(sock, "setenv SSH_AUTH_SOCK ")
		if out, _, status := agentRun(t, sock, testenv.NeedCmd(t, "ssh-add"), "-l"); status != 1 || out != "The agent has no identities.\n" {
			t.Errorf("the started agent: %d %q", status, out)
		}
		out, stderr, status = run(append(c.env, "SSH_AGENT_PID="+pid), append(c.args, "-k")...)
		want := c.unset + " SSH_AUTH_SOCK;\n" + c.unset + " SSH_AGENT_PID;\necho Agent pid " + pid + " killed;\n"
		if status != 0 || out != want {
			t.Errorf("-k: status %d, stdout %q, want %q; stderr %q", status, out, want, stderr)
		}
		waitFor(t, "the agent to remove its directory", func() bool { _, err := os.Stat(dir); return os.IsNotExist(err) })
	}
	if _, stderr, status := run(nil, "-k"); status != 1 || stderr != "SSH_AGENT_PID not set, cannot kill agent\n" {
		t.Errorf("-k without SSH_AGENT_PID: %d %q", status, stderr)
	}
	if _, stderr, status := run(nil, "-Z"); status != 1 || !strings.HasPrefix(stderr, "unknown option -- Z\r\nusage: ssh-agent ") {
		t.Errorf("-Z: %d %q", status, stderr)
	}
	out, stderr, status := run(nil, "sh", "-c", "ssh-add -l; echo \"pid=$SSH_AGENT_PID\"")
	m := regexp.MustCompile(`^The agent has no identities.\npid=(\d+)\n$`).FindStringSubmatch(out)
	if status != 0 || m == nil {
		t.Fatalf("ssh-agent command: status %d, %q, %q", status, out, stderr)
	}
	n, _ := strconv.Atoi(m[1])
	waitFor(t, "the agent to end with its command", func() bool { return syscall.Kill(n, 0) != nil })
}

// TestAgentAddStdin: "ssh-add -" reads the key from standard input and
// "ssh-add -d -" the public key, with the messages OpenSSH's prints.
func TestAgentAddStdin(t *testing.T) {
	dir := t.TempDir()
	key := testenv.OpenSSHKey(t, dir, "ed25519")
	for name, prog := range map[string]string{"sshbox": testenv.Bin(t, "ssh-add"), "openssh": testenv.NeedCmd(t, "ssh-add")} {
		sock := startAgent(t, testenv.Bin(t, "ssh-agent"), t.TempDir(), nil, nil)
		for _, c := range []struct{ file, arg, want string }{
			{key, "-", "Identity added: (stdin) ("},
			{key + ".pub", "-d", "Identity removed: (stdin) ED25519 ("},
		} {
			cmd := exec.Command(prog, c.arg)
			if c.arg == "-d" {
				cmd.Args = append(cmd.Args, "-")
			}
			cmd.Env = agentEnv(sock)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			f, err := os.Open(c.file)
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdin = f
			out, err := cmd.CombinedOutput()
			f.Close()
			if err != nil || !strings.HasPrefix(string(out), c.want) {
				t.Errorf("%s ssh-add %s: %v %q", name, c.arg, err, out)
			}
		}
	}
}
