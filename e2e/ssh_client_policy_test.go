package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// The client's own restrictions (RevokedHostKeys, RequiredRSASize,
// CASignatureAlgorithms) are enforced, not accepted and ignored; each case
// runs OpenSSH's ssh on the same command line against the same OpenSSH
// sshd and expects the same verdict.

// sameVerdict runs sshbox's ssh and OpenSSH's with args and checks that
// both connect (status 0, "ok" out) or both refuse (status 255) with a
// line holding want on sshbox's stderr.
func (e *sshEnv) sameVerdict(t *testing.T, args []string, ok bool, want string) {
	t.Helper()
	args = append(append(args, "-o", "BatchMode=yes"), e.dest(), "echo", "ok")
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		stdout, stderr, status := e.runProg(prog, nil, nil, args...)
		if ok && (status != 0 || stdout != "ok\n") {
			t.Errorf("%s refused: status %d, stderr %q", prog, status, stderr)
		}
		if !ok && status != 255 {
			t.Errorf("%s connected: status %d, stdout %q, stderr %q", prog, status, stdout, stderr)
		}
		if prog == testenv.Bin(t, "ssh") && want != "" && !strings.Contains(stderr, want) {
			t.Errorf("sshbox's stderr %q lacks %q", stderr, want)
		}
	}
}

func TestSSHRevokedHostKeys(t *testing.T) {
	e, d := openSSHEnv(t, "")
	dir := t.TempDir()
	hostPub := d.HostKey + ".pub"
	fp := fingerprint(t, hostPub)
	other := testenv.OpenSSHKey(t, dir, "ecdsa") + ".pub"
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyList := write("list", append([]byte("# revoked\n"), readFile(t, hostPub)...))
	otherList := write("other", readFile(t, other))
	krlFile := filepath.Join(dir, "krl")
	if out, err := exec.Command("ssh-keygen", "-q", "-k", "-f", krlFile, hostPub).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -k: %v\n%s", err, out)
	}
	otherKRL := filepath.Join(dir, "other.krl")
	if out, err := exec.Command("ssh-keygen", "-q", "-k", "-f", otherKRL, other).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -k: %v\n%s", err, out)
	}
	garbled := write("garbled", []byte("ssh-ed25519 not-base64\n"))
	for _, tc := range []struct {
		name, file string
		ok         bool
		want       string
	}{
		{"key list naming the key", keyList, false, "Host key ED25519 " + fp + " revoked by file " + keyList},
		{"KRL naming the key", krlFile, false, "Host key ED25519 " + fp + " revoked by file " + krlFile},
		{"key list naming another key", otherList, true, ""},
		{"KRL naming another key", otherKRL, true, ""},
		{"none", "none", true, ""},
		{"missing file", filepath.Join(dir, "missing"), false, "Error checking host key ED25519 " + fp + " in revoked keys file " + filepath.Join(dir, "missing") + ": No such file or directory"},
		{"unreadable contents", garbled, false, "in revoked keys file " + garbled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.sameVerdict(t, append(e.base(), "-o", "RevokedHostKeys="+tc.file), tc.ok, tc.want)
		})
	}
	// From a configuration file, with a % token expanded.
	cfg := write("config", []byte("Host *\n  RevokedHostKeys "+dir+"/revoked-%h\n"))
	revoked := write("revoked-127.0.0.1", readFile(t, hostPub))
	args := append([]string{"-F", cfg}, e.base()[2:]...)
	e.sameVerdict(t, args, false, "revoked by file "+revoked)
}

// TestSSHRevokedHostCertificate: a host certificate is refused when the
// KRL revokes it by serial or revokes its CA, although known_hosts trusts
// the CA.
func TestSSHRevokedHostCertificate(t *testing.T) {
	dir := t.TempDir()
	ca := testenv.OpenSSHKey(t, dir, "ed25519")
	hostKey := testenv.OpenSSHKey(t, dir, "ecdsa")
	os.Chmod(dir, 0o755)
	if out, err := exec.Command("ssh-keygen", "-q", "-s", ca, "-I", "host", "-z", "42", "-h", "-n", "127.0.0.1", hostKey+".pub").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
	}
	d := testenv.StartOpenSSHD(t, fmt.Sprintf("HostKey %s\nHostCertificate %s-cert.pub\n", hostKey, hostKey))
	e := newEnv(t, d.Port, d.HostKey+".pub")
	caPub := strings.Fields(string(readFile(t, ca+".pub")))
	os.WriteFile(e.kh, []byte(fmt.Sprintf("@cert-authority [127.0.0.1]:%d %s %s\n", d.Port, caPub[0], caPub[1])), 0o600)
	base := append(e.base(), "-o", "StrictHostKeyChecking=yes", "-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256-cert-v01@openssh.com")
	krl := func(name, spec string) string {
		specFile := filepath.Join(dir, name+".spec")
		os.WriteFile(specFile, []byte(spec), 0o644)
		p := filepath.Join(dir, name+".krl")
		if out, err := exec.Command("ssh-keygen", "-q", "-k", "-f", p, "-s", ca+".pub", specFile).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen -k: %v\n%s", err, out)
		}
		return p
	}
	e.sameVerdict(t, base, true, "")
	e.sameVerdict(t, append(base, "-o", "RevokedHostKeys="+krl("serial", "serial: 40-45\n")), false, "revoked by file")
	e.sameVerdict(t, append(base, "-o", "RevokedHostKeys="+krl("id", "id: host\n")), false, "revoked by file")
	e.sameVerdict(t, append(base, "-o", "RevokedHostKeys="+krl("other", "serial: 1-41\n")), true, "")
	caList := filepath.Join(dir, "ca.list")
	os.WriteFile(caList, readFile(t, ca+".pub"), 0o644)
	e.sameVerdict(t, append(base, "-o", "RevokedHostKeys="+caList), false, "revoked by file "+caList)
}

// TestSSHRequiredRSASize: a 2048-bit RSA host key ends the connection
// under RequiredRSASize 3072; a 2048-bit RSA identity is left out.
func TestSSHRequiredRSASize(t *testing.T) {
	dir := t.TempDir()
	rsaHost := filepath.Join(dir, "host_rsa")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsaHost).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	d := testenv.StartOpenSSHD(t, "HostKey "+rsaHost+"\n")
	e := newEnv(t, d.Port, rsaHost+".pub")
	base := append(e.base(), "-o", "HostKeyAlgorithms=rsa-sha2-512")
	e.sameVerdict(t, base, true, "")
	e.sameVerdict(t, append(base, "-o", "RequiredRSASize=2048"), true, "")
	e.sameVerdict(t, append(base, "-o", "RequiredRSASize=3072"), false, "Bad server host key: Invalid key length")

	// The identity: a 2048-bit RSA key authorized on the server, then
	// refused by the client's own limit (the ed25519 host key is fine).
	e2, _ := openSSHEnv(t, "")
	rsaID := filepath.Join(e2.home, "id_rsa2048")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsaID).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	e2.user.Authorize(t, rsaID+".pub")
	args := []string{"-F", "/dev/null", "-o", "IdentitiesOnly=yes", "-i", rsaID, "-o", "UserKnownHostsFile=" + e2.kh,
		"-o", "GlobalKnownHostsFile=/dev/null", "-p", fmt.Sprint(e2.port)}
	e2.sameVerdict(t, args, true, "")
	e2.sameVerdict(t, append(args, "-o", "RequiredRSASize=4096"), false, `load pubkey "`+rsaID+`": Invalid key length`)
}

// TestSSHCASignatureAlgorithms: a host certificate is taken only when its
// CA signed it with an algorithm CASignatureAlgorithms allows; by default,
// as OpenSSH's, not with SHA-1 RSA (ssh-rsa).
func TestSSHCASignatureAlgorithms(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca_rsa")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", ca).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	caPub := strings.Fields(string(readFile(t, ca+".pub")))
	for _, tc := range []struct {
		sigAlg string
		opts   []string
		ok     bool
	}{
		{"rsa-sha2-512", nil, true},
		{"rsa-sha2-512", []string{"-o", "CASignatureAlgorithms=-rsa-sha2-512"}, false},
		{"rsa-sha2-256", []string{"-o", "CASignatureAlgorithms=rsa-sha2-*"}, true},
		{"ssh-rsa", nil, false},
		{"ssh-rsa", []string{"-o", "CASignatureAlgorithms=+ssh-rsa"}, true},
	} {
		t.Run(tc.sigAlg+strings.Join(tc.opts, ""), func(t *testing.T) {
			sub := t.TempDir()
			os.Chmod(sub, 0o755)
			hostKey := testenv.OpenSSHKey(t, sub, "ecdsa")
			if out, err := exec.Command("ssh-keygen", "-q", "-s", ca, "-t", tc.sigAlg, "-I", "host", "-h", "-n", "127.0.0.1", hostKey+".pub").CombinedOutput(); err != nil {
				t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
			}
			d := testenv.StartOpenSSHD(t, fmt.Sprintf("HostKey %s\nHostCertificate %s-cert.pub\n", hostKey, hostKey))
			e := newEnv(t, d.Port, d.HostKey+".pub")
			os.WriteFile(e.kh, []byte(fmt.Sprintf("@cert-authority [127.0.0.1]:%d %s %s\n", d.Port, caPub[0], caPub[1])), 0o600)
			args := append(e.base(), "-o", "StrictHostKeyChecking=yes", "-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256-cert-v01@openssh.com")
			want := ""
			if !tc.ok {
				want = "Certificate signed with disallowed algorithm"
			}
			e.sameVerdict(t, append(args, tc.opts...), tc.ok, want)
		})
	}
}

// TestSSHStdinNull: -n, StdinNull and ForkAfterAuthentication's implied
// StdinNull keep the remote command from reading ssh's standard input.
func TestSSHStdinNull(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	for _, tc := range []struct {
		how  []string
		want string
	}{
		{nil, "typed\n"},
		{[]string{"-n"}, ""},
		{[]string{"-o", "StdinNull=yes"}, ""},
	} {
		args := append(append(e.base(), "-o", "BatchMode=yes"), tc.how...)
		stdout, stderr, status := e.run(strings.NewReader("typed\n"), append(args, e.dest(), "cat")...)
		if status != 0 || stdout != tc.want {
			t.Errorf("%q: status %d, stdout %q (want %q), stderr %q", tc.how, status, stdout, tc.want, stderr)
		}
	}
}

// TestSSHSessionOptionsRefused: the combinations OpenSSH refuses before
// connecting are refused with its words and status, also under -G.
func TestSSHSessionOptionsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"-N", "-s"},
		{"-s", "-N"},
		{"-o", "SessionType=subsystem", "-N"},
		{"-o", "SessionType=none", "-s"},
		{"-s"},
		{"-o", "SessionType=subsystem"},
		{"-f"},
		{"-o", "ForkAfterAuthentication=yes"},
	} {
		full := append(append([]string{"-F", "/dev/null", "-G"}, args...), "host.invalid")
		want, err := exec.Command(testenv.NeedCmd(t, "ssh"), full...).CombinedOutput()
		wantStatus := testenv.ExitCode(err)
		got, err := exec.Command(testenv.Bin(t, "ssh"), full...).CombinedOutput()
		gotStatus := testenv.ExitCode(err)
		first := func(b []byte) string { l, _, _ := strings.Cut(strings.ReplaceAll(string(b), "\r", ""), "\n"); return l }
		if gotStatus != wantStatus || wantStatus != 255 || first(got) != first(want) {
			t.Errorf("%q: sshbox %d %q, OpenSSH %d %q", args, gotStatus, first(got), wantStatus, first(want))
		}
	}
}

// TestSSHBindInterface: -B and BindInterface connect from the interface's
// address (the server's SSH_CLIENT shows it), as OpenSSH's ssh does; an
// interface without a usable address is a connection failure.
func TestSSHBindInterface(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	ifName, ifAddr := "lo", "127.0.0.1"
	if ifaces, err := net.Interfaces(); err == nil {
	search:
		for _, ifi := range ifaces {
			if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagLoopback != 0 {
				continue
			}
			addrs, _ := ifi.Addrs()
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
					ifName, ifAddr = ifi.Name, n.IP.String()
					break search
				}
			}
		}
	}
	for _, how := range [][]string{{"-B", ifName}, {"-o", "BindInterface=" + ifName}} {
		args := append(append(e.base(), "-o", "BatchMode=yes"), how...)
		args = append(args, e.dest(), "echo ${SSH_CLIENT%% *}")
		for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
			stdout, stderr, status := e.runProg(prog, nil, nil, args...)
			if status != 0 || stdout != ifAddr+"\n" {
				t.Errorf("%s %q: status %d, the server saw %q (want %s); stderr %q", prog, how, status, stdout, ifAddr, stderr)
			}
		}
	}
	args := append(e.base(), "-o", "BatchMode=yes", "-B", "nosuch0", e.dest(), "true")
	_, stderr, status := e.run(nil, args...)
	if status != 255 || !strings.Contains(stderr, "getifaddrs: nosuch0: no suitable addresses") || !strings.Contains(stderr, "port "+fmt.Sprint(e.port)+": failure") {
		t.Errorf("-B nosuch0: status %d, stderr %q", status, stderr)
	}
}

// TestSSHFingerprintHashAndVisualHostKey: FingerprintHash picks the
// fingerprints shown (the changed-key banner here), VisualHostKey prints
// the key's randomart once the key is known, each as OpenSSH's ssh-keygen
// prints them for the same key.
func TestSSHFingerprintHashAndVisualHostKey(t *testing.T) {
	e, d := openSSHEnv(t, "")
	hostPub := d.HostKey + ".pub"
	keygen := func(args ...string) string {
		out, err := exec.Command("ssh-keygen", args...).Output()
		if err != nil {
			t.Fatalf("ssh-keygen %q: %v", args, err)
		}
		return string(out)
	}
	for _, hash := range []string{"sha256", "md5"} {
		lv := strings.SplitN(keygen("-l", "-v", "-E", hash, "-f", hostPub), "\n", 2)
		fp, art := strings.Fields(lv[0])[1], strings.TrimSuffix(lv[1], "\n")
		stdout, stderr, status := e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-o", "VisualHostKey=yes",
			"-o", "FingerprintHash="+hash, e.dest(), "echo", "ok")...)
		if status != 0 || stdout != "ok\n" || !strings.Contains(stderr, "Host key fingerprint is "+fp+"\n"+art+"\r\n") {
			t.Errorf("%s: status %d, stderr %q; want the fingerprint %s and\n%s", hash, status, stderr, fp, art)
		}
	}
	// A changed key: the banner's fingerprint in MD5.
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	pub := strings.Fields(string(readFile(t, other+".pub")))
	os.WriteFile(e.kh, []byte(fmt.Sprintf("[127.0.0.1]:%d %s %s\n", e.port, pub[0], pub[1])), 0o600)
	md5 := strings.Fields(keygen("-l", "-E", "md5", "-f", hostPub))[1]
	_, stderr, status := e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-o", "FingerprintHash=md5", e.dest(), "true")...)
	if status != 255 || !strings.Contains(stderr, md5) {
		t.Errorf("changed key under FingerprintHash md5: status %d, stderr %q lacks %s", status, stderr, md5)
	}
	// NoHostAuthenticationForLocalhost takes the changed key from
	// 127.0.0.1, as OpenSSH does; not under a HostKeyAlias.
	e.sameVerdict(t, append(e.base(), "-o", "NoHostAuthenticationForLocalhost=yes"), true, "")
	e.sameVerdict(t, append(e.base(), "-o", "NoHostAuthenticationForLocalhost=yes", "-o", "HostKeyAlias=[127.0.0.1]:"+fmt.Sprint(e.port)), false, "")
}

// TestSSHIPQoS: the connection's packets carry IPQoS's bulk value for a
// command without a terminal and its interactive value with -N, as with
// OpenSSH's ssh (the kernel's view of the socket, through ss --tos).
func TestSSHIPQoS(t *testing.T) {
	ss := testenv.NeedCmd(t, "ss")
	e, _ := openSSHEnv(t, "")
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		for _, tc := range []struct {
			how  []string
			want string
		}{
			{[]string{e.dest(), "sleep", "30"}, "tos:0x28"}, // bulk: af11
			{[]string{"-N", e.dest()}, "tos:0xb8"},          // interactive: ef
		} {
			args := append(append(e.base(), "-o", "BatchMode=yes", "-o", "IPQoS=ef af11"), tc.how...)
			p := testenv.Start(t, prog, args...)
			pid := fmt.Sprintf("pid=%d,", p.Cmd.Process.Pid)
			var line string
			waitFor(t, "the connection of "+prog+" in ss", func() bool {
				out, _ := exec.Command(ss, "-Htnp", "--tos", "dst", fmt.Sprintf("127.0.0.1:%d", e.port)).Output()
				for _, l := range strings.Split(string(out), "\n") {
					if strings.Contains(l, pid) && strings.Contains(l, "tos:") {
						line = l
						return strings.Contains(l, tc.want)
					}
				}
				return false
			})
			if !strings.Contains(line, tc.want) {
				t.Errorf("%s %q: %q, want %s", prog, tc.how, line, tc.want)
			}
			p.Kill()
		}
	}
}

// TestSSHObscureKeystrokeTiming: in a terminal session sshbox's ssh sends
// chaff between keystrokes (OpenSSH 9.5's ObscureKeystrokeTiming, on by
// default), which OpenSSH's sshd ignores and logs; with
// ObscureKeystrokeTiming no it sends none. What is typed arrives either way.
func TestSSHObscureKeystrokeTiming(t *testing.T) {
	for _, tc := range []struct {
		opt   string
		chaff bool
	}{{"", true}, {"ObscureKeystrokeTiming=interval:10", true}, {"ObscureKeystrokeTiming=no", false}} {
		e, d := openSSHEnv(t, "LogLevel DEBUG1")
		args := e.base()
		if tc.opt != "" {
			args = append(args, "-o", tc.opt)
		}
		tm := e.term(24, 80, append(args, e.dest())...)
		tm.Type("PS1='rdy''> '\r")
		at := tm.Expect(0, "rdy> ", 15*time.Second)
		// Typed a key at a time, as a person types.
		for _, ch := range "echo typed-$((6*7))\r" {
			tm.Type(string(ch))
			time.Sleep(40 * time.Millisecond)
		}
		at = tm.Expect(at, "typed-42", 10*time.Second)
		tm.Type("exit\r")
		tm.Expect(at, "closed.", 10*time.Second)
		if status := tm.Wait(10 * time.Second); status != 0 {
			t.Fatalf("%q: status %d; terminal:\n%s", tc.opt, status, tm.Output())
		}
		n := strings.Count(d.Proc.Stderr.String(), "rtype ping want_reply 0")
		if tc.chaff && n < 3 || !tc.chaff && n != 0 {
			t.Errorf("%q: %d chaff packets in sshd's log", tc.opt, n)
		}
	}
}

// TestSSHGMatchesOpenSSHForFlags: ssh -G prints what OpenSSH's prints for
// flags that set options, and refuses -1 as it does. (-P is left out:
// OpenSSH 9.2 still read it as the old flag without an argument.)
func TestSSHGMatchesOpenSSHForFlags(t *testing.T) {
	for _, flags := range [][]string{
		{"-q"}, {"-o", "LogLevel=silent"}, {"-t", "-T"}, {"-T", "-t"}, {"-N"}, {"-n"}, {"-f", "-N"},
		{"-W", "h:1"}, {"-B", "lo"}, {"-R", "8080"}, {"-A"}, {"-a"}, {"-g"}, {"-4"}, {"-x"},
	} {
		args := append(append([]string{"-F", "/dev/null", "-G"}, flags...), "host.invalid")
		want, err := exec.Command(testenv.NeedCmd(t, "ssh"), args...).Output()
		if err != nil {
			t.Fatalf("OpenSSH's ssh %q: %v", flags, err)
		}
		got, err := exec.Command(testenv.Bin(t, "ssh"), args...).Output()
		if err != nil || string(got) != string(want) {
			t.Errorf("%q: %v\n%s", flags, err, lineDiff(string(want), string(got)))
		}
	}
	out, err := exec.Command(testenv.Bin(t, "ssh"), "-1", "host.invalid").CombinedOutput()
	if testenv.ExitCode(err) != 255 || string(out) != "SSH protocol v.1 is no longer supported\n" {
		t.Errorf("-1: status %d, %q", testenv.ExitCode(err), out)
	}
}

// lineDiff lists the lines of want missing from got and the reverse.
func lineDiff(want, got string) string {
	in := func(l, s string) bool { return strings.Contains("\n"+s, "\n"+l+"\n") }
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(want), "\n") {
		if !in(l, got) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		if !in(l, want) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
