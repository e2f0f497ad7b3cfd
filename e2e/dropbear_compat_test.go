package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// dropbearKeyPair makes a key with Dropbear's own dropbearkey (Dropbear's
// dbclient reads its own format) and returns its path and public line.
func dropbearKeyPair(t *testing.T) (key, pub string) {
	t.Helper()
	key = filepath.Join(t.TempDir(), "id_dropbear")
	out, err := exec.Command(testenv.NeedCmd(t, "dropbearkey"), "-t", "ed25519", "-f", key).CombinedOutput()
	if err != nil {
		t.Fatalf("dropbearkey: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "ssh-ed25519 ") {
			return key, l + "\n"
		}
	}
	t.Fatalf("dropbearkey printed no public key:\n%s", out)
	return "", ""
}

// openSSHKeyPair makes a key with OpenSSH's ssh-keygen and returns its
// path and public line.
func openSSHKeyPair(t *testing.T) (key, pub string) {
	t.Helper()
	key = testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	data, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return key, string(data)
}

// openWrtBox is sshbox's dropbear applet running as on an OpenWrt router:
// in a mount namespace of its own, where /etc is the real one under an
// overlay (the real /etc/dropbear is never touched, nor made), with
// /etc/dropbear and root's home /root being directories of the test.
type openWrtBox struct {
	etcDropbear string // what the server sees as /etc/dropbear
	rootHome    string // what it sees as /root
	port        int
	proc        *testenv.Proc
}

// startOpenWrtBox starts sshbox's dropbear applet with flags, or with
// sshd true its OpenSSH-named sshd (for which nothing of this applies).
func startOpenWrtBox(t *testing.T, sshd bool, flags ...string) *openWrtBox {
	t.Helper()
	testenv.NeedRoot(t)
	unshare := testenv.NeedCmd(t, "unshare")
	ns := t.TempDir()
	b := &openWrtBox{etcDropbear: filepath.Join(ns, "etc-dropbear"), rootHome: filepath.Join(ns, "root")}
	for _, d := range []string{"upper", "work", "etc-dropbear", "root"} {
		if err := os.Mkdir(filepath.Join(ns, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	hostKey, _ := dropbearKey(t, ns, "ed25519")
	b.port = testenv.FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", b.port)
	const script = `set -e
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$0/upper,workdir=$0/work" /etc
mkdir /etc/dropbear
mount --bind "$0/etc-dropbear" /etc/dropbear
mount --bind "$0/root" /root
exec "$@"`
	args := []string{"--mount", "sh", "-c", script, ns, testenv.Bin(t, "dropbear"),
		"-F", "-E", "-p", addr, "-P", filepath.Join(ns, "pid"), "-r", hostKey}
	if sshd {
		args = append(args[:5], testenv.Bin(t, "sshd"), "-D", "-e", "-f", os.DevNull, "-h", hostKey,
			"-o", "ListenAddress="+addr, "-o", "PidFile=none", "-o", "PerSourcePenalties=no")
	}
	args = append(args, flags...)
	b.proc = testenv.Start(t, unshare, args...)
	testenv.WaitPort(t, addr, 10*time.Second)
	return b
}

// write puts a file into the namespace's /etc/dropbear or /root.
func (b *openWrtBox) write(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// ssh runs command as user with OpenSSH's client and key; it returns the
// output and the status.
func (b *openWrtBox) ssh(t *testing.T, key, user, command string) (string, int) {
	t.Helper()
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(key, b.port, user), command)...)
	out, err := cmd.Output()
	return string(out), testenv.ExitCode(err)
}

// dbclient runs command as user with Dropbear's client and key; it
// returns the output and what dbclient said. (Refused, dbclient asks for
// a password, gets none, and when the server gives up exits 0 all the
// same: only the output tells.)
func (b *openWrtBox) dbclient(t *testing.T, key, user, command string) (string, string) {
	t.Helper()
	cmd := exec.Command(testenv.NeedCmd(t, "dbclient"), "-y", "-y", "-i", key,
		fmt.Sprintf("%s@127.0.0.1/%d", user, b.port), command)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var errb strings.Builder
	cmd.Stderr = &errb
	out, _ := cmd.Output()
	return string(out), errb.String()
}

// TestDropbearOpenWrtRootKeys: as OpenWrt's Dropbear, root's keys come
// from /etc/dropbear/authorized_keys, in place of ~root/.ssh's, once that
// file exists; never for another user; and not from a file or directory
// that someone other than root could write (nor does root then fall back
// to ~/.ssh). Without the file, root's ~/.ssh/authorized_keys serves, as
// on a Dropbear without OpenWrt's patch.
func TestDropbearOpenWrtRootKeys(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	userKey := u.AuthorizeKey(t, "")
	etcKey, etcPub := openSSHKeyPair(t)      // root's, in /etc/dropbear
	dbEtcKey, dbEtcPub := dropbearKeyPair(t) // root's too, for dbclient
	homeKey, homePub := openSSHKeyPair(t)    // in ~root/.ssh
	strayKey, strayPub := openSSHKeyPair(t)  // in /etc/dropbear, tried as u
	b := startOpenWrtBox(t, false)
	keys := filepath.Join(b.etcDropbear, "authorized_keys")
	b.write(t, keys, etcPub+dbEtcPub+strayPub, 0o600)
	b.write(t, filepath.Join(b.rootHome, ".ssh", "authorized_keys"), homePub, 0o600)

	in := func(what, key, user string) {
		t.Helper()
		if out, code := b.ssh(t, key, user, "id -u"); code != 0 || strings.TrimSpace(out) == "" {
			t.Errorf("%s: status %d, %q; want a login\n%s", what, code, out, b.proc.Stderr.String())
		}
	}
	out := func(what, key, user string) {
		t.Helper()
		if out, code := b.ssh(t, key, user, "id -u"); code != 255 {
			t.Errorf("%s: status %d, %q; want no login", what, code, out)
		}
	}

	if got, code := b.ssh(t, etcKey, "root", "id -u"); code != 0 || got != "0\n" {
		t.Fatalf("root with a key of /etc/dropbear/authorized_keys: status %d, %q\n%s", code, got, b.proc.Stderr.String())
	}
	if got, said := b.dbclient(t, dbEtcKey, "root", "id -u"); got != "0\n" {
		t.Errorf("dbclient, root with a key of /etc/dropbear/authorized_keys: %q, %s", got, said)
	}
	out("root with a key of ~root/.ssh/authorized_keys, beside /etc/dropbear's", homeKey, "root")
	out(u.Name+" with a key of /etc/dropbear/authorized_keys", strayKey, u.Name)
	in(u.Name+" with a key of its own ~/.ssh/authorized_keys", userKey, u.Name)

	// Writable by the group, by everyone, owned by another user: refused,
	// and ~root/.ssh is not tried instead.
	refused := func(what, why string) {
		t.Helper()
		out("root, "+what, etcKey, "root")
		out("root, "+what+", with ~root/.ssh's key", homeKey, "root")
		if got, said := b.dbclient(t, dbEtcKey, "root", "id -u"); got != "" || !strings.Contains(said, "Disconnect received") {
			t.Errorf("dbclient, root, %s: %q, %s; want no login", what, got, said)
		}
		if log := b.proc.Stderr.String(); !strings.Contains(log, "Authentication refused: "+why) {
			t.Errorf("root, %s: the log does not say %q:\n%s", what, why, log)
		}
	}
	os.Chmod(keys, 0o620)
	refused("group-writable file", "bad ownership or modes file /etc/dropbear/authorized_keys")
	os.Chmod(keys, 0o602)
	refused("world-writable file", "bad ownership or modes file /etc/dropbear/authorized_keys")
	os.Chmod(keys, 0o600)
	os.Chown(keys, u.UID, -1)
	refused("file owned by "+u.Name, "bad ownership or modes file /etc/dropbear/authorized_keys")
	os.Chown(keys, 0, -1)
	os.Chmod(b.etcDropbear, 0o770)
	refused("group-writable directory", "bad ownership or modes directory /etc/dropbear")
	os.Chmod(b.etcDropbear, 0o777)
	refused("world-writable directory", "bad ownership or modes directory /etc/dropbear")
	os.Chmod(b.etcDropbear, 0o755)
	in("root, file and directory mended", etcKey, "root")

	// No /etc/dropbear/authorized_keys: root's own file, as for anyone.
	os.Remove(keys)
	in("root without /etc/dropbear/authorized_keys, key of ~root/.ssh", homeKey, "root")
	out("root without /etc/dropbear/authorized_keys, its former key", etcKey, "root")

	// The OpenSSH-named sshd never reads /etc/dropbear/authorized_keys.
	sshd := startOpenWrtBox(t, true)
	sshd.write(t, filepath.Join(sshd.etcDropbear, "authorized_keys"), etcPub, 0o600)
	sshd.write(t, filepath.Join(sshd.rootHome, ".ssh", "authorized_keys"), homePub, 0o600)
	if got, code := sshd.ssh(t, etcKey, "root", "id -u"); code != 255 {
		t.Errorf("sshd, root with a key of /etc/dropbear/authorized_keys: status %d, %q; want no login", code, got)
	}
	if got, code := sshd.ssh(t, homeKey, "root", "id -u"); code != 0 || got != "0\n" {
		t.Errorf("sshd, root with a key of ~root/.ssh/authorized_keys: status %d, %q\n%s", code, got, sshd.proc.Stderr.String())
	}
}

// envOf parses env's output.
func envOf(out string) map[string]string {
	env := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			env[k] = v
		}
	}
	return env
}

// TestDropbearPassEnv: with -e, sessions see the environment the server
// was started with, and the variables the session sets itself (USER,
// HOME, PATH, SSH_CONNECTION, SSH_TTY...) over it; a variable of the
// server's that names what a session does not have (SSH_AUTH_SOCK without
// agent forwarding, SSH_ORIGINAL_COMMAND without a forced command) is not
// passed. Without -e, none of the server's. Dropbear 2022.83 with the
// same command line and environment shows the same, but for those last
// variables, which it passes on.
func TestDropbearPassEnv(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	sshKey := u.AuthorizeKey(t, "")
	dbKey := dropbearUserKey(t, u)
	dir := t.TempDir()
	hostKey, _ := dropbearKey(t, dir, "ed25519")
	serverEnv := []string{"SBX_SERVER_VAR=from the server", "USER=forged", "HOME=/forged", "PATH=/forged",
		"SHELL=/forged", "SSH_CONNECTION=forged", "SSH_CLIENT=forged", "SSH_TTY=/dev/forged",
		"SSH_AUTH_SOCK=/forged", "SSH_ORIGINAL_COMMAND=forged"}
	start := func(prog string, flags ...string) int {
		port := testenv.FreePort(t)
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		testenv.StartEnv(t, serverEnv, prog, append([]string{"-F", "-E", "-p", addr,
			"-P", filepath.Join(t.TempDir(), "pid"), "-r", hostKey}, flags...)...)
		testenv.WaitPort(t, addr, 10*time.Second)
		return port
	}
	ssh := func(port int, extra ...string) map[string]string {
		t.Helper()
		args := append(append([]string{}, extra...), testenv.SSHArgs(sshKey, port, u.Name)...)
		out, err := exec.Command(testenv.NeedCmd(t, "ssh"), append(args, "env")...).Output()
		if err != nil {
			t.Fatalf("ssh %q env: %v", extra, err)
		}
		return envOf(strings.ReplaceAll(string(out), "\r", ""))
	}
	dbclient := func(port int) map[string]string {
		t.Helper()
		cmd := exec.Command(testenv.NeedCmd(t, "dbclient"), "-y", "-y", "-i", dbKey,
			fmt.Sprintf("%s@127.0.0.1/%d", u.Name, port), "env")
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("dbclient env: %v", err)
		}
		return envOf(string(out))
	}
	sessionOwn := func(who string, env map[string]string, tty bool) {
		t.Helper()
		if env["USER"] != u.Name || env["HOME"] != u.Home || env["SHELL"] != "/bin/sh" ||
			env["PATH"] == "/forged" || !strings.HasPrefix(env["SSH_CONNECTION"], "127.0.0.1 ") ||
			!strings.HasPrefix(env["SSH_CLIENT"], "127.0.0.1 ") {
			t.Errorf("%s: the session's own variables are not the session's: %q", who, env)
		}
		if tty && !strings.HasPrefix(env["SSH_TTY"], "/dev/pts/") {
			t.Errorf("%s, with a terminal: SSH_TTY=%q", who, env["SSH_TTY"])
		}
	}

	box := start(testenv.Bin(t, "dropbear"), "-e")
	real := start(testenv.NeedCmd(t, "dropbear"), "-e")
	for _, s := range []struct {
		who  string
		port int
	}{{"sshbox", box}, {"Dropbear", real}} {
		for _, c := range []struct {
			client string
			env    map[string]string
			tty    bool
		}{
			{"ssh", ssh(s.port), false},
			{"ssh -tt", ssh(s.port, "-tt"), true},
			{"dbclient", dbclient(s.port), false},
		} {
			who := s.who + " -e, " + c.client
			if c.env["SBX_SERVER_VAR"] != "from the server" {
				t.Errorf("%s: the server's variable is not passed on: %q", who, c.env)
			}
			sessionOwn(who, c.env, c.tty)
			if s.who != "sshbox" {
				continue
			}
			for _, k := range []string{"SSH_AUTH_SOCK", "SSH_ORIGINAL_COMMAND"} {
				if v, ok := c.env[k]; ok {
					t.Errorf("%s: %s=%q, the server's", who, k, v)
				}
			}
			if v, ok := c.env["SSH_TTY"]; ok && !c.tty {
				t.Errorf("%s: SSH_TTY=%q without a terminal", who, v)
			}
		}
	}

	plain := start(testenv.Bin(t, "dropbear"))
	for who, env := range map[string]map[string]string{"ssh": ssh(plain), "dbclient": dbclient(plain)} {
		if v, ok := env["SBX_SERVER_VAR"]; ok {
			t.Errorf("sshbox without -e, %s: the server's variable is passed on: %q", who, v)
		}
		sessionOwn("sshbox without -e, "+who, env, false)
	}
}

// serverTOS is the TOS byte of the server's end of the established
// connection on port, as ss --tos shows it (false while there is none).
func serverTOS(t *testing.T, port int) (int64, bool) {
	t.Helper()
	out, _ := exec.Command(testenv.NeedCmd(t, "ss"), "-Htn", "--tos", "sport", "=", fmt.Sprintf(":%d", port)).Output()
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.Contains(l, "ESTAB") {
			continue
		}
		for _, f := range strings.Fields(l) {
			if v, ok := strings.CutPrefix(f, "tos:"); ok {
				n, err := strconv.ParseInt(v, 0, 16)
				if err != nil {
					t.Fatalf("ss: %q", l)
				}
				return n, true
			}
		}
		return 0, true
	}
	return 0, false
}

// TestDropbearNoQoS: without -z, a session with a terminal is marked AF21
// and one without is left at 0, as Dropbear 2022.83 marks them; with -z
// neither is marked. Dropbear itself, under the same command lines, is
// the reference (the kernel's view of the server's socket, through ss).
func TestDropbearNoQoS(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "ss")
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	dir := t.TempDir()
	hostKey, _ := dropbearKey(t, dir, "ed25519")
	for _, srv := range []struct{ name, prog string }{
		{"sshbox", testenv.Bin(t, "dropbear")},
		{"Dropbear", testenv.NeedCmd(t, "dropbear")},
	} {
		for _, c := range []struct {
			flags          []string
			terminal, bulk int64
		}{
			{nil, 0x48, 0},
			{[]string{"-z"}, 0, 0},
		} {
			port := testenv.FreePort(t)
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			d := testenv.Start(t, srv.prog, append([]string{"-F", "-E", "-p", addr,
				"-P", filepath.Join(t.TempDir(), "pid"), "-r", hostKey}, c.flags...)...)
			testenv.WaitPort(t, addr, 10*time.Second)
			for _, s := range []struct {
				how  []string
				want int64
			}{{nil, c.bulk}, {[]string{"-tt"}, c.terminal}} {
				what := fmt.Sprintf("%s %q, ssh %q", srv.name, c.flags, s.how)
				args := append(append([]string{"-o", "IPQoS=none"}, s.how...), testenv.SSHArgs(key, port, u.Name)...)
				p := testenv.Start(t, testenv.NeedCmd(t, "ssh"), append(args, "echo started; sleep 30")...)
				waitFor(t, what+": the session to start", func() bool { return strings.Contains(p.Stdout.String(), "started") })
				// The server marks the socket once the session runs: a
				// moment for it, so that a 0 is not read before a mark.
				time.Sleep(300 * time.Millisecond)
				var got int64
				deadline := time.Now().Add(3 * time.Second)
				for {
					got, _ = serverTOS(t, port)
					if got == s.want || time.Now().After(deadline) {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if got != s.want {
					t.Errorf("%s: the server marks tos:%#x, want %#x\n%s", what, got, s.want, d.Stderr.String())
				}
				p.Kill()
				waitFor(t, what+": the connection to close", func() bool { _, open := serverTOS(t, port); return !open })
			}
			d.Kill()
		}
	}
}

// TestDropbearSessionEnv: the two variables Dropbear's sessions have and
// OpenSSH's do not. LANG is the server's own, -e or not, and absent when
// the server has none; SSH_PUBKEYINFO is the word after the key on the
// authorized_keys line that let the key in, when it is one of the
// characters Dropbear allows. Dropbear 2022.83 with the same command line,
// environment and authorized_keys lines is the reference. sshbox's sshd
// under its own name sets neither.
func TestDropbearSessionEnv(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(pub))
	typeBlob := f[0] + " " + f[1]
	dir := t.TempDir()
	hostKey, _ := dropbearKey(t, dir, "ed25519")
	start := func(lang bool, prog string, flags ...string) int {
		port := testenv.FreePort(t)
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		args := append([]string{"-F", "-E", "-p", addr, "-P", filepath.Join(t.TempDir(), "pid"), "-r", hostKey}, flags...)
		if lang {
			testenv.StartEnv(t, []string{"LANG=de_DE.UTF-8"}, prog, args...)
		} else {
			testenv.StartEnv(t, []string{}, testenv.NeedCmd(t, "env"), append([]string{"-u", "LANG", prog}, args...)...)
		}
		testenv.WaitPort(t, addr, 10*time.Second)
		return port
	}
	probe := func(who string, port int) string {
		t.Helper()
		cmd := exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(key, port, u.Name),
			`echo "LANG=${LANG-unset} SSH_PUBKEYINFO=${SSH_PUBKEYINFO-unset}"`)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ssh to %s: %v\n%s", who, err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
	servers := []struct {
		who  string
		port int
	}{
		{"sshbox", start(true, testenv.Bin(t, "dropbear"))},
		{"Dropbear", start(true, testenv.NeedCmd(t, "dropbear"))},
		{"sshbox -e", start(true, testenv.Bin(t, "dropbear"), "-e")},
		{"Dropbear -e", start(true, testenv.NeedCmd(t, "dropbear"), "-e")},
		{"sshbox without LANG", start(false, testenv.Bin(t, "dropbear"))},
		{"Dropbear without LANG", start(false, testenv.NeedCmd(t, "dropbear"))},
	}
	sshd := testenv.StartSshbox(t, "")
	for _, line := range []string{
		typeBlob + " alice@host.example",
		typeBlob + " my comment here",
		typeBlob,
		typeBlob + "  two-spaces",
		`no-pty,command="echo forced" ` + typeBlob + " opt",
		typeBlob + ` a,b=c"d`,
		typeBlob + " x.y_z-1+2@h,i",
	} {
		u.WriteFile(t, ".ssh/authorized_keys", []byte(line+"\n"), 0o600)
		var got [2]string
		for i, s := range servers {
			out := probe(s.who, s.port)
			if i%2 == 0 {
				got[0] = out
				continue
			}
			if out != got[0] {
				t.Errorf("line %q: %s gives %q, %s %q", line, servers[i-1].who, got[0], s.who, out)
			}
		}
		if strings.Contains(line, "command=") {
			continue
		}
		if out := probe("sshd", sshd.Port); strings.Contains(out, "SSH_PUBKEYINFO=") && !strings.Contains(out, "SSH_PUBKEYINFO=unset") {
			t.Errorf("line %q: sshbox's sshd sets %q", line, out)
		}
	}
}
