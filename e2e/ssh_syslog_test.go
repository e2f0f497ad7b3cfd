package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
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

// syslogLine is one datagram a program sent to /dev/log, as syslog(3)
// writes it: "<pri>Mmm dd hh:mm:ss ident[pid]: text".
type syslogLine struct {
	pri   int
	ident string
	pid   int
	text  string
}

var syslogDatagram = regexp.MustCompile(`^<(\d+)>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d (.+)\[(\d+)\]: (.*)$`)

// syslogRun is one run of a program with a datagram socket of the test's
// as its /dev/log: what it logged there, what it wrote, how it ended.
type syslogRun struct {
	pid            int
	lines          []syslogLine
	stdout, stderr string
	status         int
}

// runWithSyslog runs prog in a mount namespace of its own where /dev is a
// tmpfs holding links to the real /dev's entries and /dev/log is a link to
// a unixgram socket the test reads, so that syslog(3) and log/syslog send
// there what they would send to a system logger (this machine has none).
// unshare and sh exec the program, so its pid is the one started here.
func runWithSyslog(t *testing.T, env []string, prog string, args ...string) syslogRun {
	t.Helper()
	unshare := testenv.NeedCmd(t, "unshare")
	dir := t.TempDir()
	sock := filepath.Join(dir, "log")
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	script := `mkdir "$1/dev" && mount --rbind /dev "$1/dev" && mount -t tmpfs -o mode=755 tmpfs /dev &&
for f in "$1"/dev/*; do ln -s "$f" "/dev/${f##*/}"; done && ln -s "$0" /dev/log && shift && exec "$@"`
	cmd := exec.Command(unshare, append([]string{"--mount", "--propagation", "private", "sh", "-c", script, sock, dir, prog}, args...)...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err2 error
	select {
	case err2 = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s %q did not finish; stderr:\n%s", prog, args, e.String())
	}
	r := syslogRun{pid: cmd.Process.Pid, stdout: o.String(), stderr: e.String(), status: testenv.ExitCode(err2)}
	buf := make([]byte, 4096)
	for {
		l.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		n, err := l.Read(buf)
		if err != nil {
			break
		}
		// glibc's syslog(3) sends the line as it is, log/syslog adds a
		// newline; a system logger drops it.
		d := strings.TrimSuffix(string(buf[:n]), "\n")
		m := syslogDatagram.FindStringSubmatch(d)
		if m == nil {
			t.Errorf("%s: not a syslog datagram: %q", prog, d)
			continue
		}
		pri, _ := strconv.Atoi(m[1])
		pid, _ := strconv.Atoi(m[3])
		r.lines = append(r.lines, syslogLine{pri: pri, ident: m[2], pid: pid, text: m[4]})
	}
	return r
}

// notDebug is what a run logged below DEBUG1, as "<pri>text", but the
// version line of -v (the debug lines and the version are sshbox's own
// words).
func (r syslogRun) notDebug() []string {
	var out []string
	for _, l := range r.lines {
		version := strings.HasPrefix(l.text, "OpenSSH_") || strings.HasPrefix(l.text, "sshbox_")
		if l.pri&7 != 7 && !version {
			out = append(out, fmt.Sprintf("<%d>%s", l.pri, l.text))
		}
	}
	return out
}

func (r syslogRun) has(pri int, text string) bool {
	for _, l := range r.lines {
		if l.pri == pri && l.text == text {
			return true
		}
	}
	return false
}

// TestSSHSyslog: with -y, ssh logs what it would write on stderr to the
// system log, as OpenSSH's ssh does: under its argv[0] and pid, with the
// facility of SyslogFacility (USER by default, from -o or a file), each
// level with log.c's severity and words (error: and fatal: lines, debug1:
// lines at debug, INFO lines bare), while quit_message's "Connection to
// HOST closed." stays on stderr (with -E too), a bad -o is said there and
// -y with -E is refused. OpenSSH 9.2's ssh runs beside sshbox's on
// the same command lines and must log the same lines (the debug lines
// apart, whose words are sshbox's) and print the same stderr.
func TestSSHSyslog(t *testing.T) {
	e, d := openSSHEnv(t, "")
	progs := []string{testenv.NeedCmd(t, "ssh"), testenv.Bin(t, "ssh")}
	both := func(what string, args ...string) [2]syslogRun {
		var runs [2]syslogRun
		for i, p := range progs {
			runs[i] = runWithSyslog(t, e.env(), p, args...)
			for _, l := range runs[i].lines {
				if l.ident != p || l.pid != runs[i].pid {
					t.Errorf("%s, %s: logged as %s[%d], want %s[%d]", what, p, l.ident, l.pid, p, runs[i].pid)
					break
				}
			}
		}
		o, b := runs[0], runs[1]
		if o.status != b.status || o.stderr != b.stderr {
			t.Errorf("%s: OpenSSH: status %d, stderr %q; sshbox: status %d, stderr %q", what, o.status, o.stderr, b.status, b.stderr)
		}
		if on, bn := strings.Join(o.notDebug(), "\n"), strings.Join(b.notDebug(), "\n"); on != bn {
			t.Errorf("%s: OpenSSH logged\n%s\nsshbox logged\n%s", what, on, bn)
		}
		return runs
	}

	// A refused connection, -v, the facility from -o: LOCAL5 is 21, so
	// 171 is err, 174 info, 175 debug.
	closed := testenv.FreePort(t)
	runs := both("refused", "-F", "/dev/null", "-y", "-v", "-o", "SyslogFacility=local5", "-p", fmt.Sprint(closed), "127.0.0.1", "true")
	for i, r := range runs {
		if r.status != 255 || r.stderr != "" {
			t.Errorf("%s, refused: status %d, stderr %q", progs[i], r.status, r.stderr)
		}
		refused := fmt.Sprintf("ssh: connect to host 127.0.0.1 port %d: Connection refused", closed)
		if !r.has(171, "error: "+refused) {
			t.Errorf("%s, refused: no error line at LOCAL5.err:\n%v", progs[i], r.lines)
		}
		if !r.has(175, fmt.Sprintf("debug1: Connecting to 127.0.0.1 [127.0.0.1] port %d.", closed)) {
			t.Errorf("%s, refused: no debug1 line at LOCAL5.debug:\n%v", progs[i], r.lines)
		}
		debug := 0
		for _, l := range r.lines {
			if l.pri == 175 {
				debug++
				if !strings.HasPrefix(l.text, "debug1: ") {
					t.Errorf("%s, refused: a debug line without debug1: %q", progs[i], l.text)
				}
			}
		}
		// The version line -v starts with is an INFO line.
		if debug < 2 || len(r.lines) == 0 || r.lines[0].pri != 174 || !strings.Contains(r.lines[0].text, "_") {
			t.Errorf("%s, refused: lines\n%v", progs[i], r.lines)
		}
	}

	// A server that closes once it has the client's version line:
	// kex_exchange_identification's error, then packet.c's logdie, which
	// is an INFO line. (Reading the line first makes the close a FIN, not
	// a reset.)
	ln := testenv.ServeTCP(t, func(c net.Conn) {
		bufio.NewReader(c).ReadString('\n')
		c.Close()
	})
	port := ln.Addr().(*net.TCPAddr).Port
	runs = both("closed at once", "-F", "/dev/null", "-y", "-p", fmt.Sprint(port), "127.0.0.1", "true")
	if !runs[1].has(11, "error: kex_exchange_identification: Connection closed by remote host") ||
		!runs[1].has(14, fmt.Sprintf("Connection closed by 127.0.0.1 port %d", port)) {
		t.Errorf("sshbox, closed at once: %v", runs[1].lines)
	}

	// A login on a terminal (-tt) to a host not yet known: "Permanently
	// added" is an INFO line (USER is 1: 14), "Connection to 127.0.0.1
	// closed." is written on stderr.
	kh := filepath.Join(e.home, "known_hosts_syslog")
	login := []string{"-F", "/dev/null", "-y", "-i", e.key, "-o", "UserKnownHostsFile=" + kh, "-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes", "-tt", "-p", fmt.Sprint(d.Port), e.dest(), "echo", "logged-in"}
	for i, p := range progs {
		os.Remove(kh)
		r := runWithSyslog(t, e.env(), p, login...)
		added := fmt.Sprintf("Warning: Permanently added '[127.0.0.1]:%d' (ED25519) to the list of known hosts.", d.Port)
		if r.status != 0 || !strings.Contains(r.stdout, "logged-in") || r.stderr != "Connection to 127.0.0.1 closed.\r\n" ||
			strings.Join(r.notDebug(), "\n") != "<14>"+added {
			t.Errorf("%s, login: status %d, stdout %q, stderr %q, logged %v", progs[i], r.status, r.stdout, r.stderr, r.lines)
		}
	}

	// An authentication failure, the facility from a file: DAEMON is 3,
	// fatal() is crit (26).
	cfg := filepath.Join(e.home, "syslog_config")
	os.WriteFile(cfg, []byte("SyslogFacility DAEMON\n"), 0o644)
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	runs = both("denied", "-F", cfg, "-y", "-i", other, "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile="+e.kh,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-p", fmt.Sprint(d.Port), e.dest(), "true")
	if lines := runs[1].notDebug(); len(lines) != 1 || !strings.HasPrefix(lines[0], "<26>fatal: "+e.dest()+": Permission denied (") {
		t.Errorf("sshbox, denied: %v", runs[1].lines)
	}

	// No terminal for a login shell: "Pseudo-terminal will not be
	// allocated" is logit(), an INFO line.
	runs = both("no terminal", "-F", "/dev/null", "-y", "-i", e.key, "-o", "UserKnownHostsFile="+e.kh,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-p", fmt.Sprint(d.Port), e.dest())
	if lines := runs[1].notDebug(); len(lines) != 1 || lines[0] != "<14>Pseudo-terminal will not be allocated because stdin is not a terminal." {
		t.Errorf("sshbox, no terminal: %v", runs[1].lines)
	}

	// A bad -o is read before the log is set up: said on stderr (in
	// sshbox's words), nothing logged.
	for i, p := range progs {
		r := runWithSyslog(t, e.env(), p, "-F", "/dev/null", "-y", "-o", "SyslogFacility=LOCAL9", "127.0.0.1", "true")
		if r.status != 255 || !strings.Contains(r.stderr, "LOCAL9") || len(r.lines) != 0 {
			t.Errorf("%s, bad -o: status %d, stderr %q, logged %v", progs[i], r.status, r.stderr, r.lines)
		}
	}

	// quit_message is no log line: with -E too it is on stderr.
	runs = both("-E", "-F", "/dev/null", "-E", filepath.Join(e.home, "ssh.log"), "-i", e.key, "-o", "UserKnownHostsFile="+e.kh,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-tt", "-p", fmt.Sprint(d.Port), e.dest(), "true")
	if r := runs[1]; r.status != 0 || r.stderr != "Connection to 127.0.0.1 closed.\r\n" {
		t.Errorf("sshbox, -E: status %d, stderr %q", r.status, r.stderr)
	}

	// -y with -E: refused before anything is logged or opened.
	logFile := filepath.Join(e.home, "never")
	runs = both("-y -E", "-F", "/dev/null", "-y", "-E", logFile, "-p", fmt.Sprint(closed), "127.0.0.1", "true")
	if r := runs[1]; r.status != 255 || strings.TrimSpace(r.stderr) != "Can't specify both -y and -E" || len(r.lines) != 0 {
		t.Errorf("sshbox, -y -E: status %d, stderr %q, logged %v", r.status, r.stderr, r.lines)
	}
	if _, err := os.Stat(logFile); err == nil {
		t.Error("-y -E opened the log file")
	}
}
