package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// dropbearKey makes a host key with Dropbear's own dropbearkey and returns
// its path and the fingerprint dropbearkey printed.
func dropbearKey(t *testing.T, dir, typ string) (path, fp string) {
	t.Helper()
	path = filepath.Join(dir, "dropbear_"+typ+"_host_key")
	out, err := exec.Command(testenv.NeedCmd(t, "dropbearkey"), "-t", typ, "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("dropbearkey: %v\n%s", err, out)
	}
	return path, dropbearFingerprint(t, string(out))
}

func dropbearFingerprint(t *testing.T, out string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if fp, ok := strings.CutPrefix(l, "Fingerprint: "); ok {
			return strings.TrimSpace(fp)
		}
	}
	t.Fatalf("no fingerprint in:\n%s", out)
	return ""
}

// openSSHHostFP logs in with OpenSSH's client, asking for one host key
// algorithm, trusting the host key on first use into knownHosts (or, with
// strict, only if knownHosts already has it), and returns the host key
// fingerprint the client logged.
func openSSHHostFP(t *testing.T, port int, key, user, alg, knownHosts string, strict bool) (string, error) {
	t.Helper()
	mode := "accept-new"
	if strict {
		mode = "yes"
	}
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), "-F", "none", "-v", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking="+mode, "-o", "UserKnownHostsFile="+knownHosts,
		"-o", "HostKeyAlgorithms="+alg, "-o", "IdentitiesOnly=yes", "-i", key,
		"-p", fmt.Sprint(port), "-l", user, "127.0.0.1", "echo in")
	var out, errb testenv.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err == nil && out.String() != "in\n" {
		err = fmt.Errorf("command printed %q", out.String())
	}
	for _, l := range strings.Split(errb.String(), "\n") {
		// "debug1: Server host key: ssh-ed25519 SHA256:..."
		if _, rest, ok := strings.Cut(l, "Server host key: "); ok {
			if f := strings.Fields(rest); len(f) == 2 {
				return f[1], err
			}
		}
	}
	if err == nil {
		err = fmt.Errorf("no host key in the client's log")
	}
	return "", fmt.Errorf("%v\n%s", err, errb.String())
}

// TestDropbearImageKeepsHostIdentity: host keys made by Dropbear's
// dropbearkey, served first by Dropbear and then by sshbox's dropbear
// applet with Dropbear's command line: OpenSSH's client sees the same
// fingerprints and its known_hosts accepts the new server.
func TestDropbearImageKeepsHostIdentity(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	dir := t.TempDir()
	edKey, edFP := dropbearKey(t, dir, "ed25519")
	rsaKey, rsaFP := dropbearKey(t, dir, "rsa")
	ecKey, ecFP := dropbearKey(t, dir, "ecdsa")
	port := testenv.FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{"-R", "-F", "-E", "-p", addr, "-P", filepath.Join(dir, "pid"), "-r", edKey, "-r", rsaKey, "-r", ecKey}
	algs := []struct{ alg, fp string }{{"ssh-ed25519", edFP}, {"rsa-sha2-256", rsaFP}, {"ecdsa-sha2-nistp256", ecFP}}
	// One known_hosts per algorithm: OpenSSH will not accept a second
	// key type for a host it knows.
	kh := func(alg string) string { return filepath.Join(dir, "known_hosts_"+alg) }

	real := testenv.Start(t, testenv.NeedCmd(t, "dropbear"), args...)
	testenv.WaitPort(t, addr, 10*time.Second)
	for _, a := range algs {
		fp, err := openSSHHostFP(t, port, key, u.Name, a.alg, kh(a.alg), false)
		if err != nil || fp != a.fp {
			t.Fatalf("Dropbear, %s: fingerprint %q (dropbearkey said %s): %v", a.alg, fp, a.fp, err)
		}
	}
	real.Kill()

	ours := testenv.Start(t, testenv.Bin(t, "dropbear"), args...)
	testenv.WaitPort(t, addr, 10*time.Second)
	for _, a := range algs {
		fp, err := openSSHHostFP(t, port, key, u.Name, a.alg, kh(a.alg), true)
		if err != nil || fp != a.fp {
			t.Errorf("sshbox dropbear, %s: fingerprint %q, want %s: %v\nserver log:\n%s", a.alg, fp, a.fp, err, ours.Stderr.String())
		}
	}
}

// TestDropbearOpenWrtInitLine: the command line OpenWrt's init script
// builds, with -R making the missing host key (in Dropbear's format: the
// real dropbearkey reads it), and the pid file written.
func TestDropbearOpenWrtInitLine(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	dir := t.TempDir()
	hostKey := filepath.Join(dir, "etc", "dropbear", "dropbear_ed25519_host_key")
	pid := filepath.Join(dir, "dropbear.1.pid")
	port := testenv.FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	p := testenv.Start(t, testenv.Bin(t, "dropbear"), "-F", "-P", pid, "-p", addr, "-K", "300", "-T", "3",
		"-W", "65536", "-I", "0", "-s", "-g", "-j", "-k", "-R", "-r", hostKey)
	testenv.WaitPort(t, addr, 10*time.Second)
	out, err := exec.Command(testenv.NeedCmd(t, "dropbearkey"), "-y", "-f", hostKey).CombinedOutput()
	if err != nil {
		t.Fatalf("Dropbear's dropbearkey cannot read the key -R made: %v\n%s", err, out)
	}
	want := dropbearFingerprint(t, string(out))
	fp, err := openSSHHostFP(t, port, key, u.Name, "ssh-ed25519", filepath.Join(dir, "known_hosts"), false)
	if err != nil || fp != want {
		t.Fatalf("fingerprint %q, dropbearkey says %s: %v\n%s", fp, want, err, p.Stderr.String())
	}
	data, _ := os.ReadFile(pid)
	if strings.TrimSpace(string(data)) != fmt.Sprint(p.Cmd.Process.Pid) {
		t.Errorf("pid file holds %q, want %d", data, p.Cmd.Process.Pid)
	}
	// -s: no password logins offered.
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), "-F", "none", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no", "-p", fmt.Sprint(port), "-l", u.Name, "127.0.0.1", "true")
	msg, _ := cmd.CombinedOutput()
	if !strings.Contains(string(msg), "Permission denied (publickey)") {
		t.Errorf("with -s the server should offer publickey only: %s", msg)
	}
}

// TestDropbearDetaches: without -F the applet goes to the background as
// Dropbear does, writes the pid file, and SIGTERM through it stops it.
func TestDropbearDetaches(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	dir := t.TempDir()
	hostKey, _ := dropbearKey(t, dir, "ed25519")
	pid := filepath.Join(dir, "dropbear.pid")
	port := testenv.FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	out, err := exec.Command(testenv.Bin(t, "dropbear"), "-P", pid, "-p", addr, "-r", hostKey).CombinedOutput()
	if err != nil {
		t.Fatalf("dropbear: %v\n%s", err, out)
	}
	testenv.WaitPort(t, addr, 10*time.Second)
	var n int
	sshdWaitFor(t, 5*time.Second, func() bool {
		data, _ := os.ReadFile(pid)
		_, err := fmt.Sscan(string(data), &n)
		return err == nil
	})
	t.Cleanup(func() { syscall.Kill(n, syscall.SIGKILL) })
	if err := syscall.Kill(n, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sshdWaitFor(t, 10*time.Second, func() bool { return syscall.Kill(n, 0) != nil })
}

// TestDropbearBadCommandLines: one line naming the argument, status 1.
func TestDropbearBadCommandLines(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		applet string
		args   []string
		want   string
	}{
		{"dropbear", []string{"-Z"}, "Unknown argument -Z"},
		{"dropbear", []string{"-p"}, "Missing argument for -p"},
		{"dropbear", []string{"-T", "abc"}, "Bad maximum authentication tries 'abc'"},
		{"dropbear", []string{"-I", "abc"}, "Bad idle_timeout 'abc'"},
		{"dropbearkey", []string{"-t", "ed25519"}, "Must specify a key filename"},
		{"dropbearkey", []string{"-t", "dss", "-f", "x"}, "Unknown key type 'dss'"},
		{"dropbearkey", []string{"-y", "-f", "/nonexistent"}, "Failed reading '/nonexistent': No such file or directory"},
		{"dbclient", []string{"-I", "-1", "host"}, "Bad idle_timeout '-1'"},
		{"dbclient", []string{}, "No remote host specified"},
	} {
		out, err := exec.Command(testenv.Bin(t, c.applet), c.args...).CombinedOutput()
		first, _, _ := strings.Cut(string(out), "\n")
		if testenv.ExitCode(err) != 1 || !strings.Contains(first, c.want) {
			t.Errorf("%s %q: status %d, first line %q, want %q", c.applet, c.args, testenv.ExitCode(err), first, c.want)
		}
	}
}

// TestDropbearkeyAppletInterop: a key made by sshbox's dropbearkey is read
// by Dropbear's, and Dropbear serves it with the fingerprint ours printed.
func TestDropbearkeyAppletInterop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		p := filepath.Join(dir, typ)
		out, err := exec.Command(testenv.Bin(t, "dropbearkey"), "-t", typ, "-f", p).Output()
		if err != nil {
			t.Fatalf("sshbox dropbearkey -t %s: %v", typ, err)
		}
		ours := dropbearFingerprint(t, string(out))
		out, err = exec.Command(testenv.NeedCmd(t, "dropbearkey"), "-y", "-f", p).CombinedOutput()
		if err != nil {
			t.Fatalf("Dropbear's dropbearkey -y: %v\n%s", err, out)
		}
		if theirs := dropbearFingerprint(t, string(out)); theirs != ours {
			t.Errorf("%s: Dropbear reads %s, we printed %s", typ, theirs, ours)
		}
		if out, err := exec.Command(testenv.Bin(t, "dropbearkey"), "-t", typ, "-f", p).CombinedOutput(); err == nil {
			t.Errorf("%s: an existing key was overwritten:\n%s", typ, out)
		}
	}
}

// TestKeygenConvertsDropbear: ssh-keygen -i -m dropbear turns Dropbear's
// key into one OpenSSH's ssh-keygen reads; -e -m dropbear turns it back
// into one Dropbear's dropbearkey reads.
func TestKeygenConvertsDropbear(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dk, fp := dropbearKey(t, dir, "ecdsa")
	conv := filepath.Join(dir, "id_ecdsa")
	out, err := exec.Command(testenv.Bin(t, "ssh-keygen"), "-i", "-m", "dropbear", "-f", dk).Output()
	if err != nil {
		t.Fatalf("ssh-keygen -i -m dropbear: %v", err)
	}
	os.WriteFile(conv, out, 0o600)
	lf, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-l", "-f", conv).CombinedOutput()
	if err != nil || !strings.Contains(string(lf), fp) {
		t.Fatalf("OpenSSH's ssh-keygen -l on the converted key: %v %s, want %s", err, lf, fp)
	}
	back := filepath.Join(dir, "back")
	out, err = exec.Command(testenv.Bin(t, "ssh-keygen"), "-e", "-m", "dropbear", "-f", conv).Output()
	if err != nil {
		t.Fatalf("ssh-keygen -e -m dropbear: %v", err)
	}
	os.WriteFile(back, out, 0o600)
	dy, err := exec.Command(testenv.NeedCmd(t, "dropbearkey"), "-y", "-f", back).CombinedOutput()
	if err != nil || dropbearFingerprint(t, string(dy)) != fp {
		t.Fatalf("Dropbear's dropbearkey -y on the exported key: %v\n%s", err, dy)
	}
}

// TestDbclientAgainstDropbear: dbclient's command line (-y, -i, host/port)
// logs into Dropbear's server and runs a command.
func TestDbclientAgainstDropbear(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartDropbear(t)
	cmd := exec.Command(testenv.Bin(t, "dbclient"), "-y", "-y", "-i", key, fmt.Sprintf("%s@127.0.0.1/%d", u.Name, d.Port), "echo", "hi")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasSuffix(string(out), "hi\n") {
		t.Fatalf("dbclient: %v\n%s", err, out)
	}
}

// TestDbclientAlgorithmLists: -c help, -m help and -o help list what
// sshbox's dbclient takes, with Dropbear's wording and status (1 for the
// algorithms, 0 for the options), and every cipher and MAC Dropbear's
// dbclient lists is among them; an unknown algorithm is reported as
// Dropbear reports it and left out, and a list with none left ends
// dbclient as Dropbear's. Against Dropbear's server the rest of the list
// logs in.
func TestDbclientAlgorithmLists(t *testing.T) {
	t.Parallel()
	real := testenv.NeedCmd(t, "dbclient")
	run := func(bin string, args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Args[0] = "dbclient" // Dropbear names itself by argv[0]
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		return string(out), testenv.ExitCode(err)
	}
	for _, tc := range []struct {
		flag, lead string
		code       int
	}{
		{"-c", "dbclient: Available ciphers: ", 1},
		{"-m", "dbclient: Available MACs: ", 1},
		{"-o", "dbclient: Available options:\n", 0},
	} {
		ours, code := run(testenv.Bin(t, "dbclient"), tc.flag, "help")
		theirs, realCode := run(real, tc.flag, "help")
		if code != tc.code || realCode != tc.code || !strings.HasPrefix(ours, tc.lead) || !strings.HasPrefix(theirs, tc.lead) {
			t.Errorf("%s help: status %d %q; Dropbear's %d %q", tc.flag, code, ours, realCode, theirs)
			continue
		}
		if tc.flag == "-o" {
			for _, want := range []string{"\n\tPort\n", "\n\tExitOnForwardFailure\n"} {
				if !strings.Contains(ours, want) {
					t.Errorf("-o help lacks %q:\n%s", want, ours)
				}
			}
			continue
		}
		line := func(s string) []string {
			first, _, _ := strings.Cut(strings.TrimPrefix(s, tc.lead), "\n")
			return strings.Split(first, ",")
		}
		for _, a := range line(theirs) {
			if !slices.Contains(line(ours), a) {
				t.Errorf("%s help: Dropbear's %s is not in %q", tc.flag, a, line(ours))
			}
		}
	}
	// None left: the same messages and status as Dropbear's.
	for _, args := range [][]string{{"-c", "foo", "host", "true"}, {"-m", "bar", "host", "true"}} {
		ours, code := run(testenv.Bin(t, "dbclient"), args...)
		theirs, realCode := run(real, args...)
		if code != 1 || realCode != 1 || ours != theirs {
			t.Errorf("%q: status %d %q; Dropbear's %d %q", args, code, ours, realCode, theirs)
		}
	}
	// Some left: reported, and the rest logs in.
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartDropbear(t)
	out, code := run(testenv.Bin(t, "dbclient"), "-y", "-y", "-i", key, "-c", "foo,aes128-ctr", "-m", "bar,hmac-sha2-256",
		fmt.Sprintf("%s@127.0.0.1/%d", u.Name, d.Port), "echo", "hi")
	for _, want := range []string{"This Dropbear program does not support 'foo' cipher algorithm\n",
		"This Dropbear program does not support 'bar' MAC algorithm\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in %q", want, out)
		}
	}
	if code != 0 || !strings.HasSuffix(out, "hi\n") {
		t.Fatalf("dbclient -c foo,aes128-ctr -m bar,hmac-sha2-256: status %d\n%s", code, out)
	}
}
