package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// tmuxPane is a program running in a tmux session of its own server.
type tmuxPane struct {
	t    *testing.T
	sock string
}

func startTmux(t *testing.T, env []string, dir string, argv ...string) *tmuxPane {
	t.Helper()
	tmux := testenv.NeedCmd(t, "tmux")
	p := &tmuxPane{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	var cmdline []string
	for _, a := range argv {
		cmdline = append(cmdline, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	shell := "cd " + dir + " && exec env " + strings.Join(env, " ") + " " + strings.Join(cmdline, " ")
	if out, err := exec.Command(tmux, "-S", p.sock, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", shell).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command(tmux, "-S", p.sock, "kill-server").Run() })
	return p
}

func (p *tmuxPane) keys(keys ...string) {
	p.t.Helper()
	args := append([]string{"-S", p.sock, "send-keys", "-t", "0"}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		p.t.Fatalf("send-keys: %v\n%s", err, out)
	}
}

func (p *tmuxPane) screen() string {
	out, _ := exec.Command("tmux", "-S", p.sock, "capture-pane", "-p", "-t", "0").Output()
	return string(out)
}

// wait polls the screen until match finds something, or fails.
func (p *tmuxPane) wait(what string, match func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := p.screen()
		if match(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("screen never showed %s:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *tmuxPane) waitCount(text string, n int) string {
	p.t.Helper()
	return p.wait(fmt.Sprintf("%d× %q", n, text), func(s string) bool { return strings.Count(s, text) >= n })
}

// TestSftpInteractiveTmux drives sftp in a real terminal: a line edited
// with the arrow keys, history recalled with Up, and the progress meter
// (percent and rate) while a rate-limited file moves.
func TestSftpInteractiveTmux(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	e.user.WriteFile(t, "big.bin", randomBytes(2<<20), 0o644)
	big2 := e.user.WriteFile(t, "big2.bin", randomBytes(4<<20), 0o644)
	local := t.TempDir()
	argv := append([]string{testenv.Bin(t, "sftp")}, e.xferArgs()...)
	argv = append(argv, "-l", "4000", e.dest())
	p := startTmux(t, []string{"HOME=" + e.home, "TERM=xterm"}, local, argv...)
	p.waitCount("sftp>", 1)

	p.keys("pwd", "Enter")
	p.waitCount("Remote working directory: "+e.user.Home, 1)
	p.keys("lpwd", "Enter")
	p.waitCount("Local working directory: ", 1)
	// History: Up twice is "pwd" again.
	p.keys("Up", "Up", "Enter")
	p.waitCount("Remote working directory: "+e.user.Home, 2)
	// Editing: "wd", cursor two left, insert "p", then the line is "pwd".
	p.keys("wd", "Left", "Left", "p", "Enter")
	p.waitCount("Remote working directory: "+e.user.Home, 3)
	// ^C at the prompt erases the line and sftp stays.
	p.keys("garbage", "C-c", "lpwd", "Enter")
	p.waitCount("Local working directory: ", 2)

	p.keys("get big.bin", "Enter")
	moving := regexp.MustCompile(`big\.bin +([0-9]|[1-9][0-9])% +[0-9.]+[KMG]?B? +[0-9.]+[KMG]B/s`)
	p.wait("the meter part-way", func(s string) bool { return moving.MatchString(s) })
	done := regexp.MustCompile(`big\.bin +100% +2048KB +[0-9.]+[KMG]B/s +[0-9]{2}:[0-9]{2}`)
	p.wait("the final meter line", func(s string) bool { return done.MatchString(s) })
	p.waitCount("sftp>", 7)
	sameFile(t, filepath.Join(e.user.Home, "big.bin"), filepath.Join(local, "big.bin"))

	// ^C stops a transfer, not sftp: the part done is a prefix that reget
	// completes.
	p.keys("get big2.bin", "Enter")
	past := regexp.MustCompile(`big2\.bin +([3-9][0-9])% `)
	p.wait("big2.bin past a quarter", func(s string) bool { return past.MatchString(s) })
	p.keys("C-c")
	p.waitCount("sftp>", 8)
	part, _ := os.ReadFile(filepath.Join(local, "big2.bin"))
	want, _ := os.ReadFile(big2)
	if len(part) == 0 || len(part) >= len(want) || string(want[:len(part)]) != string(part) {
		t.Fatalf("after ^C: %d bytes, not a proper prefix of %d", len(part), len(want))
	}
	p.keys("reget big2.bin", "Enter")
	p.waitCount("sftp>", 9)
	sameFile(t, big2, filepath.Join(local, "big2.bin"))
	p.keys("bye", "Enter")
}

// TestSftpTabCompletion: Tab at the prompt completes as OpenSSH's sftp
// does, in a real terminal, with OpenSSH's sftp and sshbox's alike: a
// command name, a remote file (with a space after it), a remote directory
// (with a slash, then its only entry), a local directory for lcd, and, of
// several matches, their common beginning, after which one more letter
// and Tab finish the name; the matches listed as OpenSSH lists them.
func TestSftpTabCompletion(t *testing.T) {
	t.Parallel()
	remote := t.TempDir()
	for _, f := range []string{"small2", "other", "otter", "d/e/y"} {
		os.MkdirAll(filepath.Join(remote, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(remote, f), []byte(f), 0o644)
	}
	for _, client := range []string{testenv.NeedCmd(t, "sftp"), testenv.Bin(t, "sftp")} {
		local := t.TempDir()
		os.Mkdir(filepath.Join(local, "ldir"), 0o755)
		p := startTmux(t, nil, local, client, "-D", "/usr/lib/openssh/sftp-server -d "+remote)
		p.waitCount("sftp>", 1)
		p.keys("ver", "Tab", "Enter")
		p.waitCount("SFTP protocol version 3", 1)
		p.keys("get sm", "Tab", "Enter")
		p.wait("small2 fetched", func(string) bool { _, err := os.Stat(filepath.Join(local, "small2")); return err == nil })
		p.keys("get ot", "Tab")
		p.keys("h", "Tab", "Enter")
		p.wait("other fetched", func(string) bool { _, err := os.Stat(filepath.Join(local, "other")); return err == nil })
		p.keys("cd d", "Tab", "Tab", "Enter", "pwd", "Enter")
		p.waitCount("Remote working directory: "+filepath.Join(remote, "d", "e"), 1)
		p.keys("lcd ld", "Tab", "Enter", "lpwd", "Enter")
		p.waitCount("Local working directory: "+filepath.Join(local, "ldir"), 1)
		// Several matches: listed under the line, directories marked,
		// in OpenSSH's columns; the line stays as it was.
		p.keys("cd "+remote, "Enter", "get ", "Tab")
		p.waitCount("d/      other   otter   small2", 1)
		p.keys("C-u")
		p.keys("bye", "Enter")
		if _, err := os.Stat(filepath.Join(local, "otter")); err == nil {
			t.Errorf("%s: otter fetched too", client)
		}
	}
}
