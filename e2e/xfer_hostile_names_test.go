package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// hostileNames are file names a server could hand a client: a window
// title, colours, a C1 CSI as UTF-8 and as a lone byte, invalid UTF-8, a
// right-to-left override, a tab, a backslash, wide characters and a name
// longer than the progress meter's field.
var hostileNames = []string{
	"esc\x1b]0;pwned\x07title",
	"csi\x1b[31mred\x1b[0m",
	"c1\xc2\x9b2J",
	"raw\x9b\xffbad",
	"caf\xc3\xa9 \xe2\x80\xae rlo",
	"tab\there",
	`back\slash`,
	"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x95\xe3\x82\xa1\xe3\x82\xa4\xe3\x83\xab\xe5\x90\x8d-wide-characters-fill-the-field",
	"long-" + strings.Repeat("x", 30) + "\x1b[2J" + strings.Repeat("y", 30),
}

// hostileTree puts a directory "hostile" with those names (and, with
// newline, one with a newline, which the old scp protocol cannot carry)
// in the user's home.
func hostileTree(t *testing.T, e *sshEnv, newline bool) {
	names := hostileNames
	if newline {
		names = append(names, "new\nline")
	}
	for i, n := range names {
		e.user.WriteFile(t, filepath.Join("hostile", n), []byte(strings.Repeat("z", 1000*(i+1))), 0o644)
	}
	e.user.WriteFile(t, filepath.Join("hostile", "dir\x1b(0", "inner\x1b]2;x\x07"), []byte("x"), 0o644)
}

// inTerm runs prog in a 24x80 terminal under env, in dir (and with
// standard input from the file STDIN names, if env has it), and returns
// what the terminal showed, once it exits.
func inTerm(t *testing.T, env []string, dir, prog string, args ...string) string {
	t.Helper()
	script := `cd "$DEST" && if [ -n "$STDIN" ]; then exec "$@" <"$STDIN"; fi; exec "$@"`
	tm := testenv.StartTerm(t, 24, 80, append(env, "DEST="+dir), "/bin/sh", append([]string{"-c", script, "sh", prog}, args...)...)
	tm.Wait(60 * time.Second)
	time.Sleep(100 * time.Millisecond)
	return tm.Output()
}

var (
	longColumns = regexp.MustCompile(`(?m)^([-dlcbps][-rwxsStT]{9})\s+\S+\s+\S+\s+\S+\s+(\d+) `)
	meterRate   = regexp.MustCompile(`[ \d]{3}\.\d[KMGT]B/s`)
	meterTime   = regexp.MustCompile(`(\d+:)?\d\d:\d\d`)
)

// meterLines is what a terminal keeps of each line: the text after its
// last carriage return (the meter's final state), the rate and times
// blanked, as they legitimately differ; sorted, as two clients may walk
// a directory in different orders.
var (
	messageStart = regexp.MustCompile(`([^\n])(scp: )`)
	shellPrefix  = regexp.MustCompile(`sh: [0-9]+: `)
	// sshbox's scp, run by its path in the test's directory, names
	// itself by that path too.
	scpPathPrefix = regexp.MustCompile(`/[^ ]*/scp: `)
)

func meterLines(out string) []string {
	// OpenSSH's meter writes a fixed number of bytes: a line that came
	// out short carries its NUL terminator (and what followed it).
	out = strings.ReplaceAll(out, "\x00", "")
	// log.c ends a line with "\r\n" (the terminal adds a second
	// carriage return); scp run by its path names itself by it.
	out = strings.ReplaceAll(out, "\r\r\n", "\n")
	out = strings.ReplaceAll(out, "\r\n", "\n")
	out = strings.ReplaceAll(out, "/usr/bin/scp: ", "scp: ")
	out = scpPathPrefix.ReplaceAllString(out, "scp: ")
	// Where the remote shell runs two commands (a name with ';'), the
	// shell's complaint and scp's reach the terminal in either order, and
	// may share a line: dash writes its "sh: 1: " apart from the rest, so
	// scp's message can come between the two. The shell's prefix (its own
	// text, passed through) is dropped, each scp message is a line of its
	// own, and blank lines (which of the two ended last) do not count.
	out = shellPrefix.ReplaceAllString(out, "")
	out = messageStart.ReplaceAllString(out, "$1\n$2")
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if i := strings.LastIndex(l, "\r"); i >= 0 {
			l = l[i+1:]
		}
		if l == "" {
			continue
		}
		l = meterRate.ReplaceAllString(l, "RATE/s")
		lines = append(lines, meterTime.ReplaceAllString(l, "TT:TT"))
	}
	sort.Strings(lines)
	return lines
}

// noControls fails if anything that starts a terminal control sequence
// reached the terminal (a bell may: log.c's VIS_SAFE lets it pass).
func noControls(t *testing.T, what, out string) {
	t.Helper()
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\x9b") {
		t.Errorf("%s: a control character from a file name reached the terminal: %q", what, out)
	}
}

var locales = [][]string{{"LC_ALL=C"}, {"LC_ALL=", "LC_CTYPE=", "LANG=C.UTF-8"}}

// TestScpHostileNames: scp's progress meter and messages show the
// server's file names as OpenSSH's scp does (progressmeter.c's field
// through snmprintf with a width: escaped, cut by display width; the
// peer's scp complaints through snmprintf, downloading and uploading;
// SFTP failures through log.c), in a terminal, under the C and a UTF-8 locale, over SFTP and
// the old protocol; OpenSSH's scp runs beside sshbox's against OpenSSH's
// sshd with those names on disk.
func TestScpHostileNames(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	hostileTree(t, e, false)
	local := filepath.Join(t.TempDir(), "local.txt")
	if err := os.WriteFile(local, []byte("upload"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, env := range locales {
		for _, mode := range [][]string{{"-O"}, {"-s"}} {
			what := fmt.Sprintf("%s %s", env[len(env)-1], mode[0])
			// Operands; a download's target, a new directory, is added.
			run := func(prog string, operands ...string) string {
				dst := t.TempDir()
				if operands[0] != local {
					operands = append(operands, dst)
				}
				args := append(append(e.xferArgs(), mode...), operands...)
				return inTerm(t, append(e.env(), env...), dst, prog, args...)
			}
			for _, c := range [][]string{
				{"-r", e.remote("hostile")},
				{e.remote("hostile/nothere\x1b]0;pwned\x07\xc3\xa9\xff")},
				// The remote shell would split the one above at ';'.
				{e.remote("hostile/nothere\x1b(0\xc3\xa9\xff\x9b")},
				{e.remote("hostile/dir\x1b(0")},
				{local, e.remote("hostile/nodir\x1b[1m\xc3\xa9\x9b/x")},
			} {
				if c[0] == local && mode[0] != "-O" {
					// Over SFTP OpenSSH words this failure otherwise
					// (dest open "...": ...; failed to upload ...).
					continue
				}
				ours := run(testenv.Bin(t, "scp"), c...)
				theirs := run(testenv.NeedCmd(t, "scp"), c...)
				if o, th := meterLines(ours), meterLines(theirs); strings.Join(o, "\n") != strings.Join(th, "\n") {
					t.Errorf("%s %q:\nsshbox  %q\nOpenSSH %q\nraw %q\n%q", what, c[len(c)-1], o, th, ours, theirs)
				}
				noControls(t, what, ours)
			}
		}
	}
}

// sftpHostileCommands list, fetch and name the hostile files in every
// way sftp prints a server's names: pwd, ls in columns and one a line,
// ls of a directory and of globs, get's "Fetching" lines and progress
// meter, failures naming remote paths (log.c's escaping) and the echo of
// each command.
const sftpHostileCommands = "pwd\n" +
	"cd hostile\n" +
	"pwd\n" +
	"ls\n" +
	"ls -1\n" +
	"ls -1 dir*\n" +
	"ls -l\n" +
	"ls -ln c*\n" +
	"ls c*\n" +
	"ls \"dir\x1b(0\"\n" +
	"get \"esc\x1b]0;pwned\x07title\"\n" +
	"get c*\n" +
	"get \"nothere\x1b]0;pwned\x07\xc3\xa9\xff\"\n" +
	"rm \"nothere\x1b[31m\"\n" +
	"cd \"nothere\x1b(0\"\n" +
	"cd \"dir\x1b(0\"\n" +
	"pwd\n" +
	"get *\n" +
	"cd ..\n" +
	"get \"dir\x1b(0\"\n"

// TestSftpHostileNames: sftp shows the server's file names as OpenSSH's
// sftp does (mprintf for listings and notices, log.c for failures), in a
// terminal under the C and a UTF-8 locale; OpenSSH's sftp runs the same
// batch beside sshbox's against OpenSSH's sshd with those names on disk
// (newline among them, which SFTP carries).
func TestSftpHostileNames(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	hostileTree(t, e, true)
	commands := filepath.Join(t.TempDir(), "commands")
	if err := os.WriteFile(commands, []byte(sftpHostileCommands), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, env := range locales {
		run := func(prog string) string {
			dst := t.TempDir()
			// Commands from a file on stdin, not -b: not quiet, and
			// the meter on the terminal that is standard output.
			args := append(e.xferArgs(), e.dest())
			out := inTerm(t, append(e.env(), append(env, "STDIN="+commands)...), dst, prog, args...)
			out = meterTime.ReplaceAllString(meterRate.ReplaceAllString(out, "RATE/s"), "TT:TT")
			// ls -l's link count and owner columns are not the
			// names': OpenSSH 9.2 shows "?" links and names even
			// with -n.
			out = longColumns.ReplaceAllString(out, "$1 N U G $2")
			out = strings.ReplaceAll(out, "\r\r\n", "\n")
			out = strings.ReplaceAll(out, "\r\n", "\n")
			return strings.ReplaceAll(out, e.user.Home, "HOME")
		}
		ours := run(testenv.Bin(t, "sftp"))
		theirs := run(testenv.NeedCmd(t, "sftp"))
		if ours != theirs {
			t.Errorf("%s: sshbox (+) and OpenSSH (-) differ:\n%s", env[len(env)-1], lineDiff(fmt.Sprintf("%q", theirs), fmt.Sprintf("%q", ours)))
		}
		noControls(t, env[len(env)-1], ours)
	}
}

// hostileSFTPServer is a paramiko SFTP server that lies: its working
// directory (what realpath answers) sets a window title, and its one
// directory lists names no file system was asked to hold, invalid UTF-8
// and a newline among them, each with a long name that clears the screen.
const hostileSFTPServer = `
import socket, sys, threading, paramiko
from paramiko import SFTPServerInterface, SFTPServer, SFTPAttributes, SFTPHandle
from paramiko.sftp import SFTP_OK, SFTP_NO_SUCH_FILE
key = paramiko.Ed25519Key.from_private_key_file(sys.argv[2])
ROOT = "/srv\x1b]0;pwned\x07"
files = {
    "esc\x1b]0;title\x07.txt": b"a" * 1000,
    "csi\x1b[31mred": b"b" * 2000,
    "c1\u009b2J": b"c" * 3000,
    "caf\u00e9 \u202e": b"d" * 4000,
    "new\nline": b"e" * 5000,
}
listed = dict(files)
listed[b"raw\x9b\xffbad"] = b"f" * 6000
def attrs(name, size):
    a = SFTPAttributes()
    a.filename = name
    a.st_size, a.st_mode, a.st_uid, a.st_gid = size, 0o100644, 0, 0
    a.st_atime = a.st_mtime = 1700000000
    a.longname = "-rw-r--r-- 1 x\x1b[2J x %d Nov 14 2023 %s" % (size, name if isinstance(name, str) else "raw")
    return a
class Handle(SFTPHandle):
    def __init__(self, data):
        super().__init__()
        self.data = data
    def read(self, offset, length):
        return self.data[offset:offset + length]
    def stat(self):
        return attrs("", len(self.data))
class Server(SFTPServerInterface):
    def base(self, path):
        if path.startswith(ROOT + "/"):
            return path[len(ROOT) + 1:]
        return None
    def canonicalize(self, path):
        if path in (".", "", ROOT, ROOT + "/", ROOT + "/."):
            return ROOT
        if not path.startswith("/"):
            path = ROOT + "/" + path
        return path
    def list_folder(self, path):
        if path not in (ROOT, ROOT + "/"):
            return SFTP_NO_SUCH_FILE
        return [attrs(n, len(d)) for n, d in listed.items()]
    def stat(self, path):
        if path in (ROOT, ROOT + "/"):
            a = attrs(ROOT, 0)
            a.st_mode = 0o40755
            return a
        b = self.base(path)
        if b in files:
            return attrs(b, len(files[b]))
        return SFTP_NO_SUCH_FILE
    lstat = stat
    def open(self, path, flags, attr):
        b = self.base(path)
        if b in files:
            return Handle(files[b])
        return SFTP_NO_SUCH_FILE
class S(paramiko.ServerInterface):
    def get_allowed_auths(self, username): return "publickey"
    def check_auth_publickey(self, username, key): return paramiko.AUTH_SUCCESSFUL
    def check_channel_request(self, kind, chanid): return paramiko.OPEN_SUCCEEDED
def serve(c):
    t = paramiko.Transport(c)
    t.add_server_key(key)
    t.set_subsystem_handler("sftp", SFTPServer, Server)
    t.start_server(server=S())
`

// TestSftpHostileServer: what a lying SFTP server says (its working
// directory, names no disk holds, invalid UTF-8) reaches the terminal as
// OpenSSH's sftp shows it, under the C and a UTF-8 locale; OpenSSH's sftp
// runs the same commands beside sshbox's against the paramiko server. ls
// -l is left out of the comparison: OpenSSH shows the server's long name
// (escaped), sshbox makes its own line; so is a failed get, whose message
// OpenSSH words with the working directory's glob characters escaped.
func TestSftpHostileServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hostKey := testenv.OpenSSHKey(t, dir, "ed25519")
	userKey := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	port, py := startParamiko(t, hostileSFTPServer, hostKey)
	commands := filepath.Join(dir, "commands")
	os.WriteFile(commands, []byte("pwd\nls\nls -1\nget esc*\nget c*\nget \"csi\x1b[31mred\"\n"), 0o644)
	for _, env := range locales {
		run := func(prog string) string {
			args := []string{"-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
				"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", userKey, "-P", fmt.Sprint(port), "alice@127.0.0.1"}
			out := inTerm(t, append(append(os.Environ(), env...), "STDIN="+commands), t.TempDir(), prog, args...)
			out = meterTime.ReplaceAllString(meterRate.ReplaceAllString(out, "RATE/s"), "TT:TT")
			out = strings.ReplaceAll(out, "\r\r\n", "\n")
			out = strings.ReplaceAll(out, "\r\n", "\n")
			return strings.ReplaceAll(out, "Warning: Permanently added '[127.0.0.1]:"+fmt.Sprint(port)+"' (ED25519) to the list of known hosts.\n", "")
		}
		ours := run(testenv.Bin(t, "sftp"))
		theirs := run(testenv.NeedCmd(t, "sftp"))
		if ours != theirs {
			t.Errorf("%s: sshbox (+) and OpenSSH (-) differ:\n%s", env[len(env)-1], lineDiff(fmt.Sprintf("%q", theirs), fmt.Sprintf("%q", ours)))
		}
		noControls(t, env[len(env)-1], ours)
		if !strings.Contains(ours, `\033]0;pwned`) {
			t.Errorf("%s: the server's working directory is not shown escaped: %q", env[len(env)-1], ours)
		}
	}
	if t.Failed() {
		t.Logf("server: %s", py.Stderr.String())
	}
}
