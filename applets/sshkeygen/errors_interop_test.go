package sshkeygen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// errorFixtures fills dir with what the error cases work on, made by
// OpenSSH's ssh-keygen: k (ed25519, comment "me") with k.pub and its
// certificate k-cert.pub, e (encrypted with "secret"), r (RSA), only.pub
// (a public key without its private key), bad (no key), dir (a
// directory), kh (known_hosts with a wildcard), signers and badsigners
// (allowed_signers), msg and msg.sig (signed by k), and armoured
// signatures that do not parse (nofoot.sig, b64.sig, short.sig), and
// rodir, a directory only root may write in, pubdir.pub, a directory
// where a new key's .pub would go, KRL specifications spec0 to spec12
// that do not read, krl0, a KRL that revokes k, and private keys that do
// not read (corrupt, junk, trunc, badpem, badp8, badssh2, latepem).
func errorFixtures(t *testing.T, dir string) {
	t.Helper()
	judge := testenv.NeedCmd(t, "ssh-keygen")
	run := func(args ...string) {
		cmd := exec.Command(judge, args...)
		cmd.Dir = dir
		cmd.SysProcAttr = noTTY()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen %q: %v\n%s", args, err, out)
		}
	}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("-q", "-t", "ed25519", "-N", "", "-C", "me", "-f", "k")
	run("-q", "-t", "ed25519", "-N", "secret", "-C", "enc", "-f", "e")
	run("-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "r", "-f", "r")
	run("-q", "-s", "k", "-I", "id", "k.pub")
	pub := strings.Fields(readFile(t, filepath.Join(dir, "k.pub")))
	write("only.pub", strings.Join(pub, " ")+"\n")
	write("bad", "garbage\n")
	write("kh", fmt.Sprintf("a*b %s %s\nhost1 %s %s\n", pub[0], pub[1], pub[0], pub[1]))
	write("signers", fmt.Sprintf("me %s %s\n", pub[0], pub[1]))
	write("badsigners", "me ssh-ed25519 AAAA\n")
	write("msg", "hello\n")
	run("-q", "-Y", "sign", "-f", "k", "-n", "file", "msg")
	write("nofoot.sig", "-----BEGIN SSH SIGNATURE-----\nAAAA\n")
	write("b64.sig", "-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----\n")
	write("short.sig", "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n")
	for _, d := range []string{"dir", "pubdir.pub"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Private keys that do not read, 0600.
	for name, data := range map[string]string{
		"corrupt": "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		"junk":    "garbage\n",
		"trunc":   readFile(t, filepath.Join(dir, "k"))[:200],
		"badpem":  "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
		"badp8":   "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"badssh2": "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----\n",
		"latepem": "x\n-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// KRL specifications that do not read, and krl0, a KRL revoking k.
	for i, line := range []string{"serial: 5", "id: foo", "serial: 9-5", "serial: x", "serial: 5-x", "serial: 5 6",
		"serial: 0", "hash: SHA256:nope", "hash: SHA256:!!!", "hash: MD5:xx", "key: garbage", "serial 5", "id:"} {
		write(fmt.Sprintf("spec%d", i), line+"\n")
	}
	run("-q", "-k", "-f", "krl0", "k.pub")
	// Not writable, but for root.
	if err := os.Mkdir(filepath.Join(dir, "rodir"), 0o555); err != nil {
		t.Fatal(err)
	}
}

// snapshot is every name under dir with its mode and a digest of its
// contents, one a line, sorted.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, _ := d.Info()
		sum := ""
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			sum = fmt.Sprintf("%x", sha256.Sum256(b))
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%s %v %s", rel, st.Mode(), sum))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// copyTree copies the fixtures into a fresh directory, modes kept.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", from+"/.", to).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
}

// rawRun is one run of an ssh-keygen in dir without a terminal, an agent
// or askpass, standard input empty; standard error exactly as written
// (\r\n kept), and what it did to the directory.
type rawRun struct {
	stdout, stderr string
	status         int
	changed        bool
}

func runRaw(t *testing.T, prog, dir string, cred *syscall.Credential, env, args []string) rawRun {
	t.Helper()
	before := snapshot(t, dir)
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + dir, "PATH=/usr/bin:/bin", "LC_ALL=C"}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: cred}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	status := testenv.ExitCode(cmd.Run())
	return rawRun{o.String(), e.String(), status, snapshot(t, dir) != before}
}

// keygenCase is one command line, written as a shell would split it
// (two single quotes stand for the empty argument).
type keygenCase string

func (c keygenCase) args() []string {
	f := strings.Fields(string(c))
	for i := range f {
		if f[i] == "''" {
			f[i] = ""
		}
	}
	return f
}

// compareKeygens runs each case with both ssh-keygens on their own copy
// of the fixtures and wants the same standard output, the same standard
// error byte for byte, the same status, and no file created or changed
// where OpenSSH's left the directory alone.
func compareKeygens(t *testing.T, u *testenv.User, cases []keygenCase) {
	compareKeygensEnv(t, u, nil, nil, cases)
}

// compareKeygensEnv is compareKeygens with env added to the environment,
// after setup has seen the fixtures.
func compareKeygensEnv(t *testing.T, u *testenv.User, setup func(fixtures string), env []string, cases []keygenCase) {
	// As a user, everything lives in its home, which it can reach.
	tempDir := t.TempDir
	var cred *syscall.Credential
	if u != nil {
		cred = &syscall.Credential{Uid: uint32(u.UID), Gid: uint32(u.GID)}
		tempDir = func() string {
			d, err := os.MkdirTemp(u.Home, "case")
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	fixtures := tempDir()
	errorFixtures(t, fixtures)
	if setup != nil {
		setup(fixtures)
	}
	if cred != nil {
		// The user's own copy, so that only what a case makes
		// unreadable is.
		if out, err := exec.Command("chown", "-R", fmt.Sprintf("%d:%d", cred.Uid, cred.Gid), fixtures).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v\n%s", err, out)
		}
	}
	ours, theirs := binKeygen(t), testenv.NeedCmd(t, "ssh-keygen")
	for _, c := range cases {
		t.Run(string(c), func(t *testing.T) {
			var runs [2]rawRun
			for i, prog := range []string{ours, theirs} {
				dir := tempDir()
				os.Chmod(dir, 0o755)
				copyTree(t, fixtures, dir)
				if cred != nil {
					os.Chown(dir, u.UID, u.GID)
				}
				if cred != nil {
					// The unreadable file: root's, 0600.
					secret := filepath.Join(dir, "secret")
					os.WriteFile(secret, []byte(readFile(t, filepath.Join(dir, "k.pub"))), 0o600)
					os.Chown(secret, 0, 0)
				}
				runs[i] = runRaw(t, prog, dir, cred, env, c.args())
			}
			sb, ossh := runs[0], runs[1]
			if sb.stdout != ossh.stdout || sb.stderr != ossh.stderr || sb.status != ossh.status {
				t.Errorf("ssh-keygen %s\nsshbox:  status %d, stdout %q, stderr %q\nOpenSSH: status %d, stdout %q, stderr %q",
					c, sb.status, sb.stdout, sb.stderr, ossh.status, ossh.stdout, ossh.stderr)
			}
			if sb.changed && !ossh.changed {
				t.Errorf("ssh-keygen %s: sshbox's changed the directory, OpenSSH's did not", c)
			}
		})
	}
}

// TestKeygenMissingFilesOpenSSH: every operation that reads -f, given a
// file that is missing, a directory, not a key, or only FILE.pub, fails
// as OpenSSH 9.2's does (its fatal lines end in \r\n, some name
// "ssh-keygen: "), and none falls through to making a key or to another
// operation: -B is the fingerprint, as bubble babble.
func TestKeygenMissingFilesOpenSSH(t *testing.T) {
	var cases []keygenCase
	for _, op := range []string{"-l", "-B", "-l -v", "-B -v", "-y", "-e", "-i", "-e -m PKCS8", "-i -m PKCS8",
		"-p -N x -P ''", "-c -C new -P ''", "-L", "-r host", "-F host", "-R host", "-H"} {
		for _, f := range []string{"missing", "dir", "bad", "only", "k", "e", "k.pub", "k-cert.pub"} {
			if op == "-H" && f == "dir" {
				// OpenSSH leaves a temporary file behind there; sshbox
				// says the same and leaves none.
				continue
			}
			cases = append(cases, keygenCase(op+" -f "+f))
		}
	}
	cases = append(cases,
		"-B -f r", "-B -f kh", "-l -f kh", "-B -E md5 -f k.pub",
		"-l -p -P '' -N '' -f k", "-B -c -C x -f k", "-l -y -f k",
		"-B -f missing -N '' -C c", "-B -f missing -t rsa")
	compareKeygens(t, nil, cases)
}

// TestKeygenUnreadableFilesOpenSSH: the same for a file the user cannot
// read (both run as a user without privileges).
func TestKeygenUnreadableFilesOpenSSH(t *testing.T) {
	u := testenv.NewUser(t, "")
	var cases []keygenCase
	for _, op := range []string{"-l", "-B", "-y", "-e", "-i", "-p -N x -P ''", "-c -C new -P ''", "-L", "-r host", "-F host", "-R host", "-H",
		"-Y sign -n file msg", "-Q k.pub", "-k -u"} {
		cases = append(cases, keygenCase(op+" -f secret"))
	}
	cases = append(cases, "-s secret -I id k.pub", "-k -f krl secret", "-Y verify -I me -n file -s msg.sig -f secret",
		"-Y find-principals -s msg.sig -f secret", "-Y check-novalidate -n file -s secret",
		"-Y sign -f k -n file secret", "-s k -I id secret", "-M screen -f secret out",
		"-k -f rodir/krl k.pub", "-q -t ed25519 -N '' -f rodir/key", "-p -P '' -N x -f secret")
	compareKeygens(t, u, cases)
}

// TestKeygenErrorsOpenSSH: ssh-keygen's other error paths, byte for byte
// and status for status as OpenSSH 9.2's: bad keys and passphrases, bad
// -t/-b/-E/-m, certificate signing (-s) errors, KRLs (-k/-Q), moduli
// (-M) options, and -Y signatures (a -f with only FILE.pub is "No private
// key found for ...", a signature that does not parse says where).
func TestKeygenErrorsOpenSSH(t *testing.T) {
	compareKeygens(t, nil, []keygenCase{
		"-y -f e -P wrong", "-y -f e", "-p -f e -P wrong -N x", "-c -f e -P wrong -C x",
		"-t foo -f new -N ''", "-t ecdsa -b 100 -f new -N ''",
		"-b abc -f new -N ''", "-b 0 -f new -N ''", "-b -5 -f new -N ''", "-b 99999999999 -f new -N ''",
		"-l -E foo -f k.pub", "-B -E foo -f k", "-y -E foo -f k", "-F host1 -f kh -l -E foo",
		"-e -m foo -f k", "-i -m foo -f k.pub", "-e -m foo -f missing", "-m foo -f new -N ''",
		"-i -m PKCS8 -f bad", "-i -m PEM -f k.pub", "-i -f k.pub",
		"-s missing -I id k.pub", "-s only -I id k.pub", "-s dir -I id k.pub", "-s k -I id missing.pub",
		"-s k -I id -O bogus k.pub", "-s k -I id -V bogus k.pub", "-s k -I id -z x k.pub",
		"-s e -P wrong -I id k.pub", "-s k k.pub", "-s k -I id -t ssh-rsa k.pub", "-s k -I id k.pub",
		"-k -f krl missing", "-k -f krl bad", "-k -f krl k.pub missing", "-k k.pub", "-Q k.pub",
		"-Q -f missing k.pub", "-Q -f bad k.pub", "-Q -f dir k.pub", "-k -f krl -s missing bad",
		"-k -f krl -z x k.pub", "-k -f krl k.pub", "-k -u -f bad k.pub", "-k -f krl dir", "-k -f dir k.pub",
		"-M generate", "-M screen -O bogus=1 out", "-M bogus", "-H -f kh", "-q -N '' -f pubdir",
		"-Y sign -f missing -n file msg", "-Y sign -f only -n file msg", "-Y sign -f only.pub -n file msg",
		"-Y sign -f dir -n file msg", "-Y sign -f e -P wrong -n file msg", "-Y sign -f e.pub -P wrong -n file msg",
		"-Y sign -f k -n file nofile", "-Y sign -f k msg", "-Y sign -f k -n file -O bogus msg",
		"-Y sign -f k -n file msg", "-Y sign -f k.pub -n file msg", "-Y sign -U -f k -n file msg", "-Y sign -f k -n file",
		"-Y verify -f signers -I me -n file -s missing", "-Y verify -f missing -I me -n file -s msg.sig",
		"-Y verify -f badsigners -I me -n file -s msg.sig", "-Y verify -f signers -I me -n other -s msg.sig",
		"-Y verify -f signers -I me -n file -s bad", "-Y verify -f signers -I me -n file -s msg.sig -O bogus",
		"-Y find-principals -f signers -s missing", "-Y find-principals -f missing -s msg.sig",
		"-Y find-principals -f signers -s bad",
		"-Y check-novalidate -n file -s missing", "-Y check-novalidate -n file -s bad",
		"-Y check-novalidate -n file -s nofoot.sig", "-Y check-novalidate -n file -s b64.sig",
		"-Y check-novalidate -n file -s short.sig", "-Y find-principals -f signers -s nofoot.sig",
		"-Y find-principals -f signers -s b64.sig", "-Y find-principals -f signers -s short.sig",
		"-L -f k.pub", "-L -f k", "-L -f k-cert.pub", "-L -f kh",
	})
}

// TestKeygenSignAgentOpenSSH: -Y sign takes the agent's key when the
// agent holds the one -f names, whether or not the private key is there
// (only.pub); with -U nothing but the agent will do. OpenSSH's agent
// holds k.
func TestKeygenSignAgentOpenSSH(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "agent.sock")
	agent := exec.Command(testenv.NeedCmd(t, "ssh-agent"), "-D", "-a", sock)
	agent.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { agent.Process.Kill(); agent.Wait() })
	addK := func(fixtures string) {
		for i := 0; ; i++ {
			add := exec.Command(testenv.NeedCmd(t, "ssh-add"), "-q", filepath.Join(fixtures, "k"))
			add.Env = []string{"SSH_AUTH_SOCK=" + sock}
			if add.Run() == nil {
				return
			}
			if i == 100 {
				t.Fatal("ssh-add k to OpenSSH's agent failed")
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	compareKeygensEnv(t, nil, addK, []string{"SSH_AUTH_SOCK=" + sock}, []keygenCase{
		"-Y sign -f only -n file", "-Y sign -f only.pub -n file", "-Y sign -U -f only -n file",
		"-Y sign -U -f k -n file", "-Y sign -f k-cert.pub -n file", "-Y sign -U -f e -n file",
		"-Y sign -f only -n file msg", "-Y sign -f r -n file -O hashalg=sha256 nofile",
	})
}

// TestKeygenCertOptionErrorsOpenSSH: -s's -O and -V and -Y's -O, refused
// with OpenSSH 9.2's words: source-address lists checked as its
// addr_match_cidr_list checks them (IPv4's short and octal forms are
// addresses, bits past the mask are not), options given twice, the end
// of -V that does not read, hash algorithms SSHSIG does not sign with.
func TestKeygenCertOptionErrorsOpenSSH(t *testing.T) {
	var cases []keygenCase
	for _, v := range []string{"bogus", "999.1.1.1", "1.2.3.4/24", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/x", "/24",
		"1.2.3", "01.2.3.4", "08.1.1.1", "1.256", "1.65536", "fe80::1/64", "fe80::/129", "::ffff:1.2.3.4",
		",1.2.3.4", "1.2.3.4,", "1.2.3.4,,5.6.7.8", "1.2.3.4/024", "1.2.3.4/0", "1.2.3.0/24,fe80::/10",
		strings.Repeat("A", 58)} {
		cases = append(cases, keygenCase("-s k -I id -O source-address="+v+" k.pub"))
	}
	for _, v := range []string{"+1x", "-1", "-1x", "1", "+", "2020x", "2020x:forever", "20200101:2020x", "-1x:forever",
		"always:-1x", "+1d:-1d", "0x10:0x5", "x:y:z", ":forever", "always:", "+1x:+2w", "20200101:+1x", "forever:always"} {
		cases = append(cases, keygenCase("-s k -I id -V "+v+" k.pub"))
	}
	cases = append(cases, "-s k -I id -O source-address= k.pub",
		"-s k -I id -O source-address=1.2.3.4 -O source-address=1.2.3.5 k.pub",
		"-s k -I id -O force-command=a -O force-command=b k.pub", "-s k -I id -O force-command k.pub",
		"-Y sign -f k -n file -O hashalg=md5", "-Y sign -f k -n file -O hashalg=SHA256 msg",
		"-Y check-novalidate -n file -s msg.sig -O bogus", "-Y check-novalidate -n file -s msg.sig -O verify-time=20200101",
		"-Y find-principals -f signers -s msg.sig -O verify-time=bogus", "-Y find-principals -f signers -s msg.sig -O bogus",
		"-Y verify -f signers -I me -n file -s msg.sig -O verify-time=bogus",
		// Which comes first: -V, -z, -b, -E and -M are fatal as getopt
		// returns them, -O before the CA is loaded.
		"-s missing -I id -V bogus k.pub", "-s missing -I id -O bogus k.pub", "-s k -V bogus k.pub",
		"-V bogus -l -f k", "-z x -l -f k", "-b 0 -l -f k", "-k -f krl -s missing -z x bad", "-k -f krl -z 7 k.pub",
		"-s k -I id -z 0x10 k.pub", "-s k -I id -z 010 k.pub", "-s k -I id -z +5 k.pub", "-s k -I id -z -1 k.pub")
	compareKeygens(t, nil, cases)
}

// TestKeygenKRLErrorsOpenSSH: -k's specification lines and -Q's keys
// refused as OpenSSH 9.2 refuses them: some lines named FILE:LINE, some
// not; -Q reads one key a file as sshkey_load_public does (FILE.pub for a
// private key, nothing from a known_hosts file), and a fatal error leaves
// nothing on standard output.
func TestKeygenKRLErrorsOpenSSH(t *testing.T) {
	var cases []keygenCase
	for i := 0; i <= 12; i++ {
		cases = append(cases, keygenCase(fmt.Sprintf("-k -f krl spec%d", i)), keygenCase(fmt.Sprintf("-k -f krl -s k.pub spec%d", i)))
	}
	cases = append(cases, "-Q -f krl0 k.pub", "-Q -f krl0 r.pub k.pub", "-Q -f krl0 missing", "-Q -f krl0 bad",
		"-Q -f krl0 dir", "-Q -f krl0 k", "-Q -f krl0 kh", "-Q -f krl0 only.pub", "-Q -f krl0 only",
		"-Q -f krl0 k.pub missing", "-Q -f krl0 k-cert.pub", "-k -u -f krl0 r.pub")
	compareKeygens(t, nil, cases)
}

// TestKeygenBadKeysOpenSSH: private keys that do not read, refused with
// OpenSSH 9.2's reason: "invalid format" for a PEM private key block,
// "error in libcrypto" otherwise (OpenSSL's, having been handed the file);
// -l and -B say "not a key file" of what begins as a private key.
func TestKeygenBadKeysOpenSSH(t *testing.T) {
	var cases []keygenCase
	for _, op := range []string{"-y", "-p -P '' -N x", "-c -P '' -C x", "-l", "-B", "-e", "-L", "-r h", "-Y sign -n file"} {
		for _, f := range []string{"corrupt", "junk", "trunc", "badpem", "badp8", "badssh2", "latepem"} {
			cases = append(cases, keygenCase(op+" -f "+f))
		}
	}
	for _, f := range []string{"corrupt", "junk", "trunc", "badpem"} {
		cases = append(cases, keygenCase("-s "+f+" -I id k.pub"))
	}
	compareKeygens(t, nil, cases)
}
