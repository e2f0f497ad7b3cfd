package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpServerRequestLists: -P (denied) and -p (allowed) request lists,
// with values attached and separate, refuse exactly what OpenSSH's own
// sftp-server refuses for the same lists, driven by OpenSSH's sftp -D.
func TestSftpServerRequestLists(t *testing.T) {
	t.Parallel()
	ours := testenv.Bin(t, "sftp-server")
	theirs := "/usr/lib/openssh/sftp-server"
	if _, err := os.Stat(theirs); err != nil {
		t.Fatalf("OpenSSH's sftp-server is not installed (scripts/test installs openssh-sftp-server): %v", err)
	}
	sftp := testenv.NeedCmd(t, "sftp")
	// One scenario: the batch continues past errors ("-" prefix) and
	// prints what it could do; the directory shows what happened.
	run := func(server, flags string) (string, string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a"), []byte("a\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "b"), []byte("b\n"), 0o644)
		b := filepath.Join(t.TempDir(), "batch")
		os.WriteFile(b, []byte("-rm a\n-mkdir d\n-rename b c\n-ls -1\n"), 0o644)
		out, _ := exec.Command(sftp, "-D", server+" -d "+dir+" "+flags, "-b", b).CombinedOutput()
		var names []string
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return strings.Join(names, " "), string(out)
	}
	for _, flags := range []string{"-P remove", "-Premove,mkdir", "-p open,close,read,opendir,readdir,realpath,stat,lstat,rename",
		"-popen,close,read,opendir,readdir,realpath,stat,lstat,mkdir", "-P rename -p rename,mkdir,realpath,stat,lstat"} {
		want, wantOut := run(theirs, flags)
		got, gotOut := run(ours, flags)
		if got != want {
			t.Errorf("sftp-server %s: directory %q, OpenSSH's %q\nours:\n%s\ntheirs:\n%s", flags, got, want, gotOut, wantOut)
		}
	}
	out, err := exec.Command(ours, "-Q", "requests").Output()
	if err != nil || !strings.Contains(string(out), "\nposix-rename\n") || !strings.Contains(string(out), "\ncopy-data\n") {
		t.Errorf("-Q requests: %v %q", err, out)
	}
	if out, err := exec.Command(ours, "-Q", "nonsense").CombinedOutput(); testenv.ExitCode(err) != 1 || string(out) != "Invalid query type\n" {
		t.Errorf("-Q nonsense: %v %q", err, out)
	}
}

// TestSftpServerScpD: scp -D runs the server as "sftp-server -- host sftp";
// the operands are ignored as OpenSSH's sftp-server ignores them.
func TestSftpServerScpD(t *testing.T) {
	t.Parallel()
	scp := testenv.NeedCmd(t, "scp")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("copied\n"), 0o644)
	dst := filepath.Join(dir, "dst")
	out, err := exec.Command(scp, "-D", testenv.Bin(t, "sftp-server"), src, fmt.Sprintf("localhost:%s", dst)).CombinedOutput()
	if err != nil {
		t.Fatalf("scp -D: %v\n%s", err, out)
	}
	if data, _ := os.ReadFile(dst); string(data) != "copied\n" {
		t.Errorf("copied %q", data)
	}
}

// TestInternalSftpArguments: ForceCommand and Subsystem "internal-sftp"
// with arguments run sshbox's sftp server with them, no shell in between
// (the user's shell here cannot run anything), as OpenSSH's sshd does: -d
// picks the start directory, -P refuses a request; OpenSSH's sftp is the
// client and OpenSSH's sshd with the same lines the reference.
func TestInternalSftpArguments(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "/bin/false")
	u.UnlockForKeys(t)
	key := u.AuthorizeKey(t, "")
	dir := filepath.Join(u.Home, "files")
	os.Mkdir(dir, 0o777)
	os.Chmod(dir, 0o777)
	for _, config := range []string{
		"Match User " + u.Name + "\n\tForceCommand internal-sftp -d " + dir + " -P remove\n",
		"Subsystem sftp internal-sftp -d " + dir + " -P remove\n",
	} {
		run := func(port int) string {
			os.WriteFile(filepath.Join(dir, "keep"), []byte("x"), 0o666)
			b := filepath.Join(t.TempDir(), "batch")
			os.WriteFile(b, []byte("pwd\n-rm keep\n-ls -1\n"), 0o644)
			args := append([]string{"-b", b}, testenv.SSHArgs(key, port, u.Name)...)
			// sftp takes -P for the port and the destination last.
			for i, a := range args {
				if a == "-p" {
					args[i] = "-P"
				}
				if a == "-l" {
					args[i], args[i+1] = "-o", "User="+u.Name
				}
			}
			out, _ := exec.Command(testenv.NeedCmd(t, "sftp"), args...).CombinedOutput()
			return string(out)
		}
		ours := testenv.StartSshbox(t, config)
		got := run(ours.Port)
		ours.Proc.Kill()
		if !strings.Contains(got, "Remote working directory: "+dir) || !strings.Contains(got, "keep") ||
			!strings.Contains(got, "Permission denied") {
			t.Errorf("%q: sftp session:\n%s", config, got)
		}
		if strings.HasPrefix(config, "Subsystem") {
			continue // OpenSSHD's test config has a Subsystem line already
		}
		theirs := testenv.StartOpenSSHD(t, config)
		want := run(theirs.Port)
		theirs.Proc.Kill()
		if got != want {
			t.Errorf("%q: sftp session:\n%s\nwith OpenSSH's sshd:\n%s", config, got, want)
		}
	}
}

// TestSftpServerOneP: sftp-server serves its one client on one P (see
// applets/sftpserver and internal/procs) unless $GOMAXPROCS says
// otherwise; the runtime's scheduler trace (GODEBUG=schedtrace) shows the
// figure while the server waits for requests.
func TestSftpServerOneP(t *testing.T) {
	t.Parallel()
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: the runtime starts with one P anyway")
	}
	ours := testenv.Bin(t, "sftp-server")
	// procsSeen runs the server until its trace has shown n lines from the
	// first with the figure from (or from the first, from ""; before
	// main runs, the runtime has its own figure) and returns their
	// gomaxprocs figures.
	procsSeen := func(env, from string, n int) []string {
		cmd := exec.Command(ours)
		cmd.Env = append(os.Environ(), "GODEBUG=schedtrace=10")
		if env != "" {
			cmd.Env = append(cmd.Env, env)
		}
		stdin, _ := cmd.StdinPipe()
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Wait()
		defer stdin.Close()
		var seen []string
		lines := 0
		sc := bufio.NewScanner(stderr)
		for sc.Scan() && len(seen) < n && lines < 1000 {
			if _, rest, ok := strings.Cut(sc.Text(), "gomaxprocs="); ok {
				lines++
				if p := strings.Fields(rest)[0]; len(seen) > 0 || from == "" || p == from {
					seen = append(seen, p)
				}
			}
		}
		go io.Copy(io.Discard, stderr)
		if len(seen) < n {
			t.Fatalf("%s: %d trace lines, none with gomaxprocs=%s", env, lines, from)
		}
		return seen
	}
	for _, p := range procsSeen("", "1", 5) {
		if p != "1" {
			t.Errorf("sftp-server runs with %s Ps, want 1", p)
		}
	}
	for _, p := range procsSeen("GOMAXPROCS=2", "", 5) {
		if p != "2" {
			t.Errorf("with GOMAXPROCS=2, sftp-server runs with %s Ps", p)
		}
	}
}
