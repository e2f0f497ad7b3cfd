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

// UpdateHostKeys with CheckHostIP yes, sshbox's ssh and OpenSSH's side by
// side. OpenSSH leaves the address alone for a loopback address, so server
// and clients run in a network namespace of the test's own where the
// server also listens on an address outside 127.0.0.0/8 (hostIPAddr), and the
// clients reach it by a name (srv.test) that a hosts file, mounted over
// /etc/hosts in a mount namespace of their own, gives that address.

// hostIPAddr is the server's address in the namespace (TEST-NET-1).
const hostIPAddr = "192.0.2.1"

// hostIPNetns makes the namespace: loopback up, with hostIPAddr on it too
// (OpenSSH's ssh calls only 127.0.0.0/8 and ::1 local, whatever the
// device; not every kernel has dummy devices).
func hostIPNetns(t *testing.T) *netns {
	t.Helper()
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "ip")
	ns := newNetns(t)
	ns.run(t, "ip", "link", "set", "lo", "up")
	ns.run(t, "ip", "addr", "add", hostIPAddr+"/32", "dev", "lo")
	return ns
}

// hostIPRig is one server (ed25519, ECDSA and RSA host keys) reachable as
// srv.test, and a user on it.
type hostIPRig struct {
	e            *sshEnv
	hosts        string // the hosts file for the clients' namespace
	name, ip     string // as known_hosts names them: [srv.test]:port, [addr]:port
	ed, ec, rsa  string // the host keys' "type base64"
	old          string // a key the server does not have
	fpEC, fpRSA  string
	fpED, fpOld  string
	unshare, dir string
	ns           *netns // where server and clients run
}

// With a CA (a private key file), the ECDSA host key is certified by it
// for srv.test.
func newHostIPRig(t *testing.T, server string, ca ...string) *hostIPRig {
	ns := hostIPNetns(t)
	addr := hostIPAddr
	unshare := testenv.NeedCmd(t, "unshare")
	ecdsa, rsa, old := hostKeyFile(t, "ecdsa"), hostKeyFile(t, "rsa"), hostKeyFile(t, "ed25519")
	extra := "HostKey " + ecdsa + "\nHostKey " + rsa + "\nListenAddress " + addr
	if len(ca) > 0 {
		out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-q", "-s", ca[0], "-h", "-I", "srv", "-n", "srv.test", ecdsa+".pub").CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
		}
		extra += "\nHostCertificate " + ecdsa + "-cert.pub"
	}
	var argv []string
	var cfg, hostKey string
	var port int
	switch server {
	case "OpenSSH":
		cfg, hostKey, port = testenv.OpenSSHDConfig(t, extra)
		argv = []string{testenv.NeedCmd(t, "sshd")}
	default:
		cfg, hostKey, port = testenv.SshboxConfig(t, extra)
		argv = []string{testenv.Bin(t, ""), "sshd", "-o", "PerSourcePenalties=no"}
	}
	a := ns.cmd(t, append(argv, "-D", "-e", "-f", cfg)...)
	p := testenv.Start(t, a[0], a[1:]...)
	// Both sshds say so on stderr once they listen there.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.Stderr.String(), "Server listening on "+addr) {
		if time.Now().After(deadline) {
			t.Fatalf("%s sshd does not listen on %s: %s", server, addr, p.Stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	edPub := hostKey + ".pub"
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hosts := filepath.Join(dir, "hosts")
	if err := os.WriteFile(hosts, []byte("127.0.0.1 localhost\n"+addr+" srv.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &hostIPRig{ns: ns, e: newEnv(t, port, edPub), hosts: hosts, unshare: unshare, dir: dir,
		name: fmt.Sprintf("[srv.test]:%d", port), ip: fmt.Sprintf("[%s]:%d", addr, port),
		ed: pubLine(t, edPub), ec: pubLine(t, ecdsa+".pub"), rsa: pubLine(t, rsa+".pub"), old: pubLine(t, old+".pub"),
		fpED: fingerprint(t, edPub), fpEC: fingerprint(t, ecdsa+".pub"), fpRSA: fingerprint(t, rsa+".pub"), fpOld: fingerprint(t, old+".pub")}
	// Check that the namespace trick works here before relying on it.
	check := ns.cmd(t, unshare, "--mount", "sh", "-c", `mount --bind "$0" /etc/hosts && getent hosts srv.test`, hosts)
	out, err := exec.Command(check[0], check[1:]...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), addr) {
		t.Skipf("cannot give srv.test an address in a mount namespace: %v %s", err, out)
	}
	return r
}

// hostIPRun is what one client did.
type hostIPRun struct {
	kh     string // the known_hosts file afterwards
	msgs   []string
	status int
	stderr string
}

// run runs prog (sshbox's ssh or OpenSSH's) at -v with UpdateHostKeys
// and CheckHostIP yes (unless opts says otherwise) from a known_hosts
// holding lines, in the namespace where srv.test is the server.
func (r *hostIPRig) run(t *testing.T, prog string, lines []string, opts ...string) hostIPRun {
	t.Helper()
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(kh, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--mount", "sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, r.hosts, prog,
		"-F", "/dev/null", "-v"}, opts...) // the first value of an option wins
	args = append(args, "-i", r.e.key, "-o", "IdentitiesOnly=yes",
		"-o", "UserKnownHostsFile="+kh, "-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "UpdateHostKeys=yes", "-o", "CheckHostIP=yes", "-o", "BatchMode=yes",
		"-p", fmt.Sprint(r.e.port), r.e.user.Name+"@srv.test", "true")
	a := r.ns.cmd(t, append([]string{r.unshare}, args...)...)
	_, stderr, status := r.e.runProg(a[0], nil, nil, a[1:]...)
	stderr = strings.ReplaceAll(stderr, "\r", "")
	var msgs []string
	for _, l := range strings.Split(stderr, "\n") {
		if hostIPMessage.MatchString(l) {
			msgs = append(msgs, strings.ReplaceAll(l, kh, "KH"))
		}
	}
	return hostIPRun{kh: string(readFile(t, kh)), msgs: msgs, status: status, stderr: stderr}
}

// hostIPMessage picks the lines about known_hosts out of a -v log.
var hostIPMessage = regexp.MustCompile(`Permanently added|searching|Adding new key|Fixing match|Learned new|Deprecating|skipping|no new or deprecated|Removed .* key for host|differs from the key|Offending key|Matching host key|Exiting|Host key verification failed`)

// compare runs both clients from the same file and requires the same
// file (hashed names compared by position) and the same messages; it
// returns sshbox's run.
func (r *hostIPRig) compare(t *testing.T, what string, lines []string, opts ...string) hostIPRun {
	t.Helper()
	ours := r.run(t, testenv.Bin(t, "ssh"), lines, opts...)
	theirs := r.run(t, testenv.NeedCmd(t, "ssh"), lines, opts...)
	salts := regexp.MustCompile(`\|1\|[^ ]+`)
	if a, b := salts.ReplaceAllString(ours.kh, "|1|HASH"), salts.ReplaceAllString(theirs.kh, "|1|HASH"); a != b {
		t.Errorf("%s: known_hosts differs from OpenSSH's:\nsshbox:\n%s\nOpenSSH:\n%s", what, ours.kh, theirs.kh)
	}
	if a, b := strings.Join(ours.msgs, "\n"), strings.Join(theirs.msgs, "\n"); a != b {
		t.Errorf("%s: messages differ from OpenSSH's:\nsshbox:\n%s\nOpenSSH:\n%s", what, a, b)
	}
	if ours.status != theirs.status {
		t.Errorf("%s: status %d, OpenSSH's %d\n%s", what, ours.status, theirs.status, ours.stderr)
	}
	return ours
}

// hashedFor counts the hashed lines of a known_hosts text that name host
// (as OpenSSH's ssh-keygen -F finds them).
func hashedFor(t *testing.T, kh, host string) int {
	t.Helper()
	f := filepath.Join(t.TempDir(), "kh")
	os.WriteFile(f, []byte(kh), 0o600)
	out, _ := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-F", host, "-f", f).Output()
	n := 0
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "|1|") {
			n++
		}
	}
	return n
}

func wantLines(t *testing.T, what, got string, lines ...string) {
	t.Helper()
	if want := strings.Join(lines, "\n") + "\n"; got != want {
		t.Errorf("%s: known_hosts:\n%s\nwant:\n%s", what, got, want)
	}
}

func wantMsgs(t *testing.T, what string, run hostIPRun, msgs ...string) {
	t.Helper()
	all := strings.Join(run.msgs, "\n")
	for _, m := range msgs {
		if !strings.Contains(all, m) {
			t.Errorf("%s: no %q in:\n%s", what, m, all)
		}
	}
}

// TestUpdateHostKeysCheckHostIP: CheckHostIP yes with UpdateHostKeys,
// against OpenSSH's sshd and sshbox's, each case run by OpenSSH's ssh
// too from the same file, which must end the same.
func TestUpdateHostKeysCheckHostIP(t *testing.T) {
	for _, server := range []string{"OpenSSH", "sshbox"} {
		t.Run(server, func(t *testing.T) {
			r := newHostIPRig(t, server)
			n, ip := r.name, r.ip

			// The host known by name only: the address is added for
			// the key in use when it is checked, and the keys learned
			// are written as "name,address".
			run := r.compare(t, "no address lines", []string{n + " " + r.ed})
			wantLines(t, "no address lines", run.kh, n+" "+r.ed, ip+" "+r.ed, n+","+ip+" "+r.ec, n+","+ip+" "+r.rsa)
			wantMsgs(t, "no address lines", run,
				"Warning: Permanently added the ED25519 host key for IP address '"+ip+"' to the list of known hosts.",
				"client_input_hostkeys: searching KH for "+n+" / "+ip,
				"Learned new hostkey: ECDSA "+r.fpEC,
				"Adding new key for "+n+","+ip+" to KH: ecdsa-sha2-nistp256 "+r.fpEC,
				"Adding new key for "+n+","+ip+" to KH: ssh-rsa "+r.fpRSA)

			// Hashed: a line for the name and one for the address.
			run = r.compare(t, "no address lines, hashed", []string{n + " " + r.ed}, "-o", "HashKnownHosts=yes")
			if got := hashedFor(t, run.kh, n); got != 2 {
				t.Errorf("hashed: %d hashed lines for %s, want 2 (ECDSA, RSA)\n%s", got, n, run.kh)
			}
			if got := hashedFor(t, run.kh, ip); got != 3 {
				t.Errorf("hashed: %d hashed lines for %s, want 3\n%s", got, ip, run.kh)
			}

			// The address holds a key the server no longer has: as in
			// OpenSSH, BatchMode cannot confirm the warning and the
			// connection ends with the file untouched...
			stale := []string{n + " " + r.ed, ip + " " + r.old}
			run = r.compare(t, "old address key", stale)
			if run.status != 255 || run.kh != strings.Join(stale, "\n")+"\n" {
				t.Errorf("old address key: status %d, known_hosts:\n%s", run.status, run.kh)
			}
			wantMsgs(t, "old address key", run, "Host key verification failed.")
			// ...while StrictHostKeyChecking no shows it and goes on,
			// and the update drops the old key and lists the address
			// with the current one ("Fixing match").
			run = r.compare(t, "old address key, strict no", stale, "-o", "StrictHostKeyChecking=no")
			wantLines(t, "old address key, strict no", run.kh, n+" "+r.ed, ip+" "+r.ed, n+","+ip+" "+r.ec, n+","+ip+" "+r.rsa)
			wantMsgs(t, "old address key, strict no", run,
				"Warning: the ED25519 host key for '"+n+"' differs from the key for the IP address '"+ip+"'",
				"Offending key for IP in KH:2", "Matching host key in KH:1",
				"Deprecating obsolete hostkey: ED25519 "+r.fpOld,
				"KH:2: Removed ED25519 key for host "+n,
				"Fixing match (address) for "+n+","+ip+" to KH: ssh-ed25519 "+r.fpED)

			// The same, hashed, from hashed lines.
			run = r.compare(t, "old address key, hashed", []string{hashLine(t, n, r.ed), hashLine(t, ip, r.old)},
				"-o", "StrictHostKeyChecking=no", "-o", "HashKnownHosts=yes")
			if got := hashedFor(t, run.kh, ip); got != 3 || strings.Contains(run.kh, r.old) {
				t.Errorf("old address key, hashed: %d lines for %s (want 3), old key gone: %v\n%s", got, ip, !strings.Contains(run.kh, r.old), run.kh)
			}

			// Every key known by name, none by address: nothing new or
			// deprecated, so only the key in use gets its address.
			run = r.compare(t, "all keys by name", []string{n + " " + r.ed, n + " " + r.ec, n + " " + r.rsa})
			wantLines(t, "all keys by name", run.kh, n+" "+r.ed, n+" "+r.ec, n+" "+r.rsa, ip+" "+r.ed)
			wantMsgs(t, "all keys by name", run, "client_input_hostkeys: no new or deprecated keys from server")

			// A "name,address" line whose address is another host's
			// name's: the files are left alone.
			run = r.compare(t, "address of another host", []string{n + " " + r.ed, "other.test," + ip + " " + r.old}, "-o", "StrictHostKeyChecking=no")
			wantMsgs(t, "address of another host", run,
				"client_input_hostkeys: host key found matching a different name/address, skipping UserKnownHostsFile update")

			// A key to drop that another name lists too.
			run = r.compare(t, "old key elsewhere", []string{n + "," + ip + " " + r.ed, n + " " + r.old, "other.test " + r.old})
			wantMsgs(t, "old key elsewhere", run,
				"client_input_hostkeys: key(s) for "+n+","+ip+" exist under other names; skipping UserKnownHostsFile update")

			// A new host taken in by StrictHostKeyChecking accept-new is
			// listed as "name,address" (hashed: a line each), and, not
			// being accepted by the user, does not let UpdateHostKeys
			// write.
			run = r.compare(t, "new host", nil, "-o", "StrictHostKeyChecking=accept-new")
			wantLines(t, "new host", run.kh, "", n+","+ip+" "+r.ed)
			wantMsgs(t, "new host", run, "Warning: Permanently added '"+n+","+ip+"' (ED25519) to the list of known hosts.")
			run = r.compare(t, "new host, hashed", nil, "-o", "StrictHostKeyChecking=accept-new", "-o", "HashKnownHosts=yes")
			if hashedFor(t, run.kh, n) != 1 || hashedFor(t, run.kh, ip) != 1 {
				t.Errorf("new host, hashed: want a line for each of %s and %s:\n%s", n, ip, run.kh)
			}

			// CheckHostIP no: the name alone, as before.
			run = r.compare(t, "CheckHostIP no", []string{n + " " + r.ed, n + " " + r.old}, "-o", "CheckHostIP=no")
			wantLines(t, "CheckHostIP no", run.kh, n+" "+r.ed, n+" "+r.ec, n+" "+r.rsa)
			wantMsgs(t, "CheckHostIP no", run, "client_input_hostkeys: searching KH for "+n+" / (none)")
		})
	}
}

// hashLine is a hashed known_hosts line for name with key ("type base64"),
// made by OpenSSH's ssh-keygen -H.
func hashLine(t *testing.T, name, key string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "kh")
	os.WriteFile(f, []byte(name+" "+key+"\n"), 0o600)
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-q", "-H", "-f", f).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -H: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(readFile(t, f)))
}
