package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestDebugLevels: ssh -v, -vv and -vvv print debug1, then debug2, then
// debug3 lines; at -vvv they name the chosen key exchange, host key,
// cipher and MAC. sshd -ddd -e names each authentication attempt and how
// it ended (a key the user has not authorised, then the right one).
func TestDebugLevels(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	wrong := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	d := testenv.StartSshbox(t, "", "-ddd")
	run := func(v string) string {
		t.Helper()
		args := []string{v, "-F", "none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "Ciphers=aes128-ctr",
			"-o", "MACs=hmac-sha2-256-etm@openssh.com", "-o", "KexAlgorithms=curve25519-sha256",
			"-i", wrong, "-i", key, "-p", fmt.Sprint(d.Port), "-l", u.Name, "127.0.0.1", "true"}
		out, err := exec.Command(testenv.Bin(t, "ssh"), args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh %s: %v\n%s", v, err, out)
		}
		return string(out)
	}
	levels := map[string][3]bool{"-v": {true, false, false}, "-vv": {true, true, false}, "-vvv": {true, true, true}}
	for v, want := range levels {
		out := run(v)
		for i, w := range want {
			prefix := fmt.Sprintf("debug%d: ", i+1)
			if got := strings.Contains(out, "\n"+prefix) || strings.HasPrefix(out, prefix); got != w {
				t.Errorf("ssh %s: %q lines present %v, want %v:\n%s", v, prefix, got, w, out)
			}
		}
	}
	out := run("-vvv")
	for _, want := range []string{
		"debug1: kex: algorithm: curve25519-sha256",
		"debug1: kex: host key algorithm: ssh-ed25519",
		"debug1: kex: client->server cipher: aes128-ctr MAC: hmac-sha2-256-etm@openssh.com",
		"debug2: KEX algorithms: curve25519-sha256",
		"debug2: kex: chosen kex curve25519-sha256, host key algorithm ssh-ed25519",
		"debug3: kex: client->server cipher aes128-ctr MAC hmac-sha2-256-etm@openssh.com",
		"debug3: kex: server->client cipher aes128-ctr MAC hmac-sha2-256-etm@openssh.com",
		"debug3: authmethod_lookup publickey",
		"debug2: channel 0: request exec confirm 1",
		"debug1: Offering public key: " + wrong,
		"\nAuthenticated to 127.0.0.1", // at VERBOSE, as OpenSSH logs it
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ssh -vvv lacks %q:\n%s", want, out)
		}
	}
	log := d.WaitLog(t, "session_input_channel_req: req exec", 10*time.Second)
	for _, want := range []string{
		"debug1: userauth-request for user " + u.Name + " service ssh-connection method none [preauth]",
		"debug1: none authentication for " + u.Name + " failed",
		"debug1: userauth-request for user " + u.Name + " service ssh-connection method publickey [preauth]",
		"debug2: input_userauth_request: try method publickey [preauth]",
		"debug3: userauth_finish: failure partial=0 next methods=\"publickey,password,keyboard-interactive\" [preauth]",
		"debug1: publickey authentication for " + u.Name + " failed",
		"debug1: publickey authentication for " + u.Name + " accepted",
		"debug1: server_input_channel_open: ctype session",
		"debug2: channel request exec: success",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("sshd -ddd log lacks %q:\n%s", want, log)
		}
	}
}

// TestVerboseLinesAsOpenSSH: OpenSSH's ssh -v and sshbox's, run the same
// way against OpenSSH's sshd, both print the lines a person debugs a
// connection with: known_hosts files that are not there, the server's
// extensions (the signature algorithms it takes) and the debug messages
// it sends (what the authorized_keys line allows), the session channel
// opened, the server's global request and the channel's exit status as
// they arrive, and the channel freed. The lines are taken from
// OpenSSH's own output, so their words are OpenSSH's.
func TestVerboseLinesAsOpenSSH(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartOpenSSHD(t, "")
	missing := t.TempDir() + "/known_hosts"
	run := func(ssh string) string {
		t.Helper()
		out, err := exec.Command(ssh, "-v", "-F", "none", "-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile="+missing+" /nonexistent/known_hosts2", "-o", "UpdateHostKeys=no",
			"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key, "-p", fmt.Sprint(d.Port),
			"-l", u.Name, "127.0.0.1", "true").CombinedOutput()
		if err != nil {
			t.Fatalf("%s -v: %v\n%s", ssh, err, out)
		}
		// Nothing may be written to the files: StrictHostKeyChecking=no
		// adds the key, so each run starts from none.
		exec.Command("rm", "-f", missing).Run()
		return strings.ReplaceAll(string(out), "\r\n", "\n")
	}
	openssh := run(testenv.NeedCmd(t, "ssh"))
	sshbox := run(testenv.Bin(t, "ssh"))
	for _, prefix := range []string{
		"debug1: load_hostkeys: fopen " + missing + ": ",
		"debug1: load_hostkeys: fopen /nonexistent/known_hosts2: ",
		"debug1: SSH2_MSG_EXT_INFO received",
		"debug1: kex_input_ext_info: server-sig-algs=<",
		"debug1: SSH2_MSG_SERVICE_ACCEPT received",
		"debug1: Remote: " + u.Home + "/.ssh/authorized_keys:1: key options: ",
		"debug1: channel 0: new session [client-session]",
		"debug1: client_input_global_request: rtype hostkeys-00@openssh.com want_reply 0",
		"debug1: client_input_channel_req: channel 0 rtype exit-status reply 0",
		"debug1: channel 0: free: client-session, nchannels 1",
	} {
		var want string
		for _, line := range strings.Split(openssh, "\n") {
			if strings.HasPrefix(line, prefix) {
				want = line
				break
			}
		}
		if want == "" {
			t.Errorf("OpenSSH's ssh -v has no line %q (the test's premise):\n%s", prefix, openssh)
			continue
		}
		if !strings.Contains(sshbox, want+"\n") {
			t.Errorf("sshbox's ssh -v lacks OpenSSH's line %q:\n%s", want, sshbox)
		}
	}
}

// TestSshdKeyOptionsAsOpenSSH: after a login by key, sshbox's sshd tells
// the client what the key's authorized_keys line allows, as OpenSSH's
// sshd does: OpenSSH's ssh -v shows the same "Remote: FILE:LINE: ..."
// lines from either server, for a line with no options and for one with
// many (the forced command, environment=, expiry-time=, permitopen=,
// tunnel= and the no-* restrictions each change the summary). sshd -d
// logs them, with the details OpenSSH keeps to its own log.
func TestSshdKeyOptionsAsOpenSSH(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	plain := u.AuthorizeKey(t, "")
	optioned := u.AuthorizeKey(t, `command="true",environment="LANG=C",expiry-time="20991231",permitopen="127.0.0.1:9",tunnel="3",no-pty,no-agent-forwarding,no-user-rc`)
	extra := "PermitUserEnvironment yes\nPermitTunnel yes\n"
	ossh := testenv.StartOpenSSHD(t, extra)
	box := testenv.StartSshbox(t, extra, "-d")
	remote := func(port int, key string) []string {
		t.Helper()
		out, err := exec.Command(testenv.NeedCmd(t, "ssh"), "-v", "-F", "none", "-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
			"-i", key, "-p", fmt.Sprint(port), "-l", u.Name, "127.0.0.1", "true").CombinedOutput()
		if err != nil {
			t.Fatalf("ssh -v: %v\n%s", err, out)
		}
		var lines []string
		for _, l := range strings.Split(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n") {
			if strings.HasPrefix(l, "debug1: Remote: ") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	for _, key := range []string{plain, optioned} {
		want, got := remote(ossh.Port, key), remote(box.Port, key)
		if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: sshbox's sshd sent\n%s\nOpenSSH's\n%s", filepath.Base(key), strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	// sshd's log reaches the test through a pipe: wait for its last line.
	log := box.WaitLog(t, `authorized_keys:2: permitted open: 127.0.0.1:9`, 10*time.Second)
	for _, want := range []string{
		`authorized_keys:2: key options: command environmentexpires permitopen port-forwarding tun=3 x11-forwarding`,
		`authorized_keys:2: forced command: "true"`,
		`authorized_keys:2: permitted open: 127.0.0.1:9`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("sshd -d log lacks %q:\n%s", want, grepLines(log, "authorized_keys:"))
		}
	}
}

// grepLines is the lines of text that contain s.
func grepLines(text, s string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
