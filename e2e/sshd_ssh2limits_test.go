package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// The ssh2 dialect's server restrictions that OpenSSH has no keyword for
// (IdleTimeout, MaxConnections, AllowHosts, DenyHosts,
// RequireReverseMapping), each with OpenSSH's ssh against sshbox's sshd
// reading an SSHD2_CONFIG: the restriction bites, and what it allows still
// works.

// egrepMeta is the metaconfiguration OpenVMS's SSHD2_CONFIG template
// starts with: the file's patterns are egrep.
const egrepMeta = "## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n## end of metaconfig\n"

// writeSSHD2 writes an SSHD2_CONFIG (meta, then a "*:" heading with the
// port, 127.0.0.1, a new host key and extra) and returns its path and
// the port.
func writeSSHD2(t *testing.T, meta, extra string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hostKey := testenv.OpenSSHKey(t, dir, "ed25519")
	port := testenv.FreePort(t)
	cfg := fmt.Sprintf("%s*:\n  Port %d\n  ListenAddress 127.0.0.1\n  HostKeyFile %s\n  PidFile none\n"+
		"  AllowedAuthentications publickey\n  PerSourcePenalties no\n%s", meta, port, hostKey, extra)
	p := filepath.Join(dir, "SSHD2_CONFIG")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, port
}

// startSSHD2 starts sshbox's sshd on an SSHD2_CONFIG (writeSSHD2),
// through prefix (a command that execs sshd: a namespace) when given.
func startSSHD2(t *testing.T, meta, extra string, prefix ...string) *testenv.Sshbox {
	t.Helper()
	cfg, port := writeSSHD2(t, meta, extra)
	argv := append(prefix, testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", cfg)
	p := testenv.Start(t, argv[0], argv[1:]...)
	testenv.WaitListening(t, p, 20*time.Second)
	return &testenv.Sshbox{Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port), ConfigPath: cfg, Proc: p}
}

// sshdT is sshd -T's output for a configuration file.
func sshdT(t *testing.T, cfg string) string {
	t.Helper()
	out, err := exec.Command(testenv.Bin(t, ""), "sshd", "-T", "-f", cfg).CombinedOutput()
	if err != nil {
		t.Fatalf("sshd -T: %v\n%s", err, out)
	}
	return string(out)
}

// TestSshdSSH2IdleTimeout: IdleTimeout 2 ends a session that stays idle
// (ssh's keepalives do not count) and not one whose command prints, as
// dropbear -I does; a session that ends by itself is not affected. The
// timeout is given with a unit suffix, as Tectia allows.
func TestSshdSSH2IdleTimeout(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := startSSHD2(t, "", "  IdleTimeout 2s\n")
	if out := sshdT(t, d.ConfigPath); !strings.Contains(out, "\nidletimeout 2\n") {
		t.Errorf("sshd -T lacks idletimeout 2:\n%s", out)
	}
	ssh := func(command string, extra ...string) idleRun {
		args := append(append([]string{}, extra...), testenv.SSHArgs(key, d.Port, u.Name)...)
		return runIdle(t, nil, testenv.NeedCmd(t, "ssh"), append(args, command)...)
	}
	sshIdleCases(t, "", ssh)
	t.Run("short", func(t *testing.T) {
		t.Parallel()
		if r := ssh("echo done"); r.status != 0 || r.out != "done\n" {
			t.Errorf("a short command: status %d, %q %q", r.status, r.out, r.err)
		}
	})
	t.Cleanup(func() {
		if log := d.Proc.Stderr.String(); !strings.Contains(log, "Idle timeout: no traffic for 2 seconds from user "+u.Name) {
			t.Errorf("the log gives no idle timeout:\n%s", log)
		}
	})
}

// TestSshdSSH2MaxConnections: with MaxConnections 1, a second client is
// refused while a logged-in session is open, and gets in once that
// session has gone.
func TestSshdSSH2MaxConnections(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := startSSHD2(t, "", "  MaxConnections 1\n  LogLevel VERBOSE\n")
	if out := sshdT(t, d.ConfigPath); !strings.Contains(out, "\nmaxconnections 1\n") {
		t.Errorf("sshd -T lacks maxconnections 1:\n%s", out)
	}
	first := testenv.Start(t, testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(key, d.Port, u.Name), "sleep 60")...)
	d.WaitLog(t, "Accepted publickey for "+u.Name, 20*time.Second)

	out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo second")
	if code != 255 || out != "" {
		t.Errorf("a second client while one is connected: status %d, %q %q", code, out, errOut)
	}
	d.WaitLog(t, "past MaxConnections", 10*time.Second)
	if line, _ := greeting(t, d.Addr, ""); line != refusedLine {
		t.Errorf("a second connection reads %q, want %q", line, refusedLine)
	}

	first.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo second")
		if code == 0 && out == "second\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the first client left: status %d, %q %q\n%s", code, out, errOut, d.Proc.Stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSshdSSH2HostAccess: AllowHosts, DenyHosts and RequireReverseMapping
// decide by the client's address and its name, looked up although
// ResolveClientHostName (UseDNS) is off. The names come from a hosts file
// mounted over /etc/hosts in a mount namespace (as TestSshdUseDNS does);
// ssh binds to the 127.0.0.x address it connects from.
func TestSshdSSH2HostAccess(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	unshare := testenv.NeedCmd(t, "unshare")
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hosts := filepath.Join(dir, "hosts")
	// 127.0.0.4 has no name.
	os.WriteFile(hosts, []byte("127.0.0.1 localhost\n127.0.0.2 trusted.example.test\n127.0.0.3 evil.example.test\n"), 0o644)
	namespace := []string{unshare, "--mount", "sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, hosts}

	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	login := func(d *testenv.Sshbox, from string) (string, int) {
		args := append([]string{"-b", from}, testenv.SSHArgs(key, d.Port, u.Name)...)
		out, err := exec.Command(testenv.NeedCmd(t, "ssh"), append(args, "echo", "in")...).Output()
		return strings.TrimSpace(string(out)), testenv.ExitCode(err)
	}
	check := func(name string, d *testenv.Sshbox, cases map[string]bool) {
		for from, ok := range cases {
			out, code := login(d, from)
			if ok && (code != 0 || out != "in") || !ok && code != 255 {
				t.Errorf("%s, from %s: status %d, %q; want admitted %v\n%s", name, from, code, out, ok, d.Proc.Stderr.String())
			}
		}
	}

	lists := startSSHD2(t, egrepMeta, "  AllowHosts .*\\.example\\.test, \\i127\\.0\\.0\\.4\n  DenyHosts evil\\.example\\.test\n", namespace...)
	check("AllowHosts/DenyHosts", lists, map[string]bool{
		"127.0.0.2": true,  // trusted.example.test: allowed by name
		"127.0.0.4": true,  // no name: allowed by address (\i)
		"127.0.0.3": false, // evil.example.test: denied by name
		"127.0.0.1": false, // localhost: in no AllowHosts pattern
	})
	lists.WaitLog(t, "Refused connection from evil.example.test [127.0.0.3] port", 5*time.Second)
	lists.WaitLog(t, "Refused connection from localhost [127.0.0.1] port", 5*time.Second)
	if out := sshdT(t, lists.ConfigPath); !strings.Contains(out, "\nallowhosts .*\\.example\\.test, \\i127\\.0\\.0\\.4\ndenyhosts evil\\.example\\.test\n") {
		t.Errorf("sshd -T lacks allowhosts and denyhosts:\n%s", out)
	}

	// Without metaconfiguration the patterns are zsh_fileglob.
	glob := startSSHD2(t, "", "  DenyHosts *.example.test\n", namespace...)
	check("DenyHosts glob", glob, map[string]bool{"127.0.0.2": false, "127.0.0.1": true, "127.0.0.4": true})

	reverse := startSSHD2(t, "", "  RequireReverseMapping yes\n", namespace...)
	check("RequireReverseMapping", reverse, map[string]bool{"127.0.0.2": true, "127.0.0.4": false})
	reverse.WaitLog(t, "Refused connection from 127.0.0.4 [127.0.0.4] port", 5*time.Second)
}

// TestSshdSSH2RefusedStill: the ssh2 restrictions sshbox does not
// enforce still stop sshd from starting, and a bad value of one it does
// is an error naming the file and line.
func TestSshdSSH2RefusedStill(t *testing.T) {
	t.Parallel()
	for extra, want := range map[string]string{
		"  SecurePath yes\n":           ":8: SecurePath is not supported by sshbox",
		"  AuthPublicKey.MinSize 2k\n": `:8: AuthPublicKey.MinSize: invalid number "2k"`,
		// HP TCP/IP Services for OpenVMS's intrusion detection.
		"  IntrusionAuthentications password\n":       ":8: IntrusionAuthentications is not supported by sshbox",
		"  UserSpecificConfig sjl /nonexistent/sjl\n": ":8: UserSpecificConfig: open /nonexistent/sjl: no such file or directory",
		"  AuthKbdInt.Required securid\n":             ":8: AuthKbdInt.Required is not supported by sshbox",
		"  UserConfigDirectory /etc/ssh2/%X\n":        `:8: UserConfigDirectory: "/etc/ssh2/%X": unknown token at "%X" (%D, %U, %IU, %IG, %%)`,
		"  IdleTimeout 10 minutes\n":                  `:8: IdleTimeout: invalid time "10 minutes"`,
		"  MaxConnections -1\n":                       `:8: MaxConnections: invalid number "-1"`,
		"  DenyHosts a|b\n":                           `:8: DenyHosts: pattern "a|b": '|' is not supported by sshbox`,
	} {
		cfg, _ := writeSSHD2(t, "", extra)
		out, err := exec.Command(testenv.Bin(t, ""), "sshd", "-t", "-f", cfg).CombinedOutput()
		if testenv.ExitCode(err) == 0 || !strings.Contains(string(out), cfg+want) {
			t.Errorf("sshd -t with %q: %v\n%s\nwant %q", extra, err, out, want)
		}
	}
	// Its auditing keywords, and intrusion detection off, load.
	cfg, _ := writeSSHD2(t, "", "  LogfailAuthentications password\n  AccountingAuthentications all\n  IntrusionAuthentications none\n")
	if out, err := exec.Command(testenv.Bin(t, ""), "sshd", "-t", "-f", cfg).CombinedOutput(); err != nil {
		t.Errorf("sshd -t with OpenVMS's auditing keywords: %v\n%s", err, out)
	}
	// An egrep DenyUsers pattern no OpenSSH pattern can say: refused,
	// not read as a glob that would deny nobody it names.
	cfg, _ = writeSSHD2(t, egrepMeta, "  DenyUsers sj*\n")
	want := cfg + `:11: DenyUsers: pattern "sj*": '*' has no OpenSSH pattern that means the same (egrep syntax)`
	if out, err := exec.Command(testenv.Bin(t, ""), "sshd", "-t", "-f", cfg).CombinedOutput(); testenv.ExitCode(err) == 0 || !strings.Contains(string(out), want) {
		t.Errorf("sshd -t with an egrep DenyUsers: %v\n%s\nwant %q", err, out, want)
	}
}

// TestSshdSSH2ChrootUsers: ChRootUsers and ChRootGroups confine the users
// they name to their home directories, here with OpenSSH's sftp and
// sshbox's internal-sftp: the user sees only the home directory and
// cannot get /etc/passwd. The home directory must be root's, as for
// ChrootDirectory: a user-owned one refuses the session, with the reason
// in the log. A user neither names gets the whole file system.
func TestSshdSSH2ChrootUsers(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	jailed, byGroup, own, free := testenv.NewUser(t, ""), testenv.NewUser(t, ""), testenv.NewUser(t, ""), testenv.NewUser(t, "")
	keys := map[*testenv.User]string{}
	for _, u := range []*testenv.User{jailed, byGroup, own, free} {
		keys[u] = u.AuthorizeKey(t, "")
	}
	for _, u := range []*testenv.User{jailed, byGroup} {
		// A root-owned home directory the user cannot write to, as
		// ChrootDirectory requires; ~/.ssh stays the user's.
		if err := os.Chown(u.Home, 0, 0); err != nil {
			t.Fatal(err)
		}
		os.Chmod(u.Home, 0o755)
		os.WriteFile(filepath.Join(u.Home, "welcome.txt"), []byte("at home\n"), 0o644)
	}
	grp, err := exec.Command("id", "-gn", byGroup.Name).Output()
	if err != nil {
		t.Fatal(err)
	}
	d := startSSHD2(t, egrepMeta, fmt.Sprintf("  subsystem-sftp internal-sftp\n  ChRootUsers %s,%s\n  ChRootGroups %s\n",
		jailed.Name, own.Name, strings.TrimSpace(string(grp))))
	if out := sshdT(t, d.ConfigPath); strings.Contains(out, "chrootdirectory %h") {
		t.Errorf("sshd -T without a user has a chroot:\n%s", out)
	}

	tmp := t.TempDir()
	batch := filepath.Join(tmp, "batch")
	os.WriteFile(batch, []byte(fmt.Sprintf("pwd\nls -1 /\n-get /etc/passwd %s\n", filepath.Join(tmp, "passwd"))), 0o644)
	sftp := func(u *testenv.User) (string, error) {
		out, err := exec.Command(testenv.NeedCmd(t, "sftp"), append(sshdFileArgs(keys[u], d.Port), "-b", batch, u.Name+"@127.0.0.1")...).CombinedOutput()
		return string(out), err
	}
	for _, u := range []*testenv.User{jailed, byGroup} {
		out, err := sftp(u)
		if err != nil || !strings.Contains(out, "ls -1 /\n/welcome.txt\n") || !strings.Contains(out, `File "/etc/passwd" not found`) {
			t.Errorf("sftp as %s: %v\n%s\nlog:\n%s", u.Name, err, out, d.Proc.Stderr.String())
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, "passwd")); err == nil {
		t.Errorf("/etc/passwd was fetched from the real root")
	}
	if out, err := sftp(own); err == nil {
		t.Errorf("sftp into a user-owned home directory as a jail worked:\n%s", out)
	}
	d.WaitLog(t, fmt.Sprintf("bad ownership or modes for chroot directory %q", own.Home), 10*time.Second)
	if out, err := sftp(free); err != nil || strings.Contains(out, `File "/etc/passwd" not found`) {
		t.Errorf("sftp as a user ChRootUsers does not name: %v\n%s", err, out)
	}
}
