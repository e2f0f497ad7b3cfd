package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

type sigRun struct {
	stdout, stderr string
	status         int
}

func runSig(t *testing.T, stdin []byte, env []string, prog string, args ...string) sigRun {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(agentEnv(""), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	return sigRun{o.String(), e.String(), testenv.ExitCode(err)}
}

// TestSSHSigInterop: signatures made by either ssh-keygen -Y sign verify
// with the other's -Y verify; Ed25519 signatures (deterministic) are byte
// for byte OpenSSH's; find-principals, match-principals, check-novalidate
// and the allowed_signers restrictions answer as OpenSSH's do.
func TestSSHSigInterop(t *testing.T) {
	dir := t.TempDir()
	tools := map[string]string{"sshbox": testenv.Bin(t, "ssh-keygen"), "openssh": testenv.NeedCmd(t, "ssh-keygen")}
	msg := filepath.Join(dir, "message")
	os.WriteFile(msg, []byte("a message to sign\n"), 0o644)
	data := readFile(t, msg)
	for _, kt := range []string{"ed25519", "ecdsa", "rsa"} {
		key := testenv.OpenSSHKey(t, dir, kt)
		pub := strings.TrimSpace(string(readFile(t, key+".pub")))
		allowed := filepath.Join(dir, kt+"_allowed")
		os.WriteFile(allowed, []byte("# signers\nalice@example.com,bob* "+pub+"\n"+
			`carol namespaces="git" `+pub+"\n"+
			`dave valid-before="20000101" `+pub+"\n"), 0o644)
		for _, hash := range []string{"sha512", "sha256"} {
			sigs := map[string][]byte{}
			for signer, prog := range tools {
				r := runSig(t, data, nil, prog, "-Y", "sign", "-f", key, "-n", "file", "-O", "hashalg="+hash)
				if r.status != 0 || !strings.HasPrefix(r.stdout, "-----BEGIN SSH SIGNATURE-----\n") {
					t.Fatalf("%s %s sign: %+v", signer, kt, r)
				}
				sigs[signer] = []byte(r.stdout)
			}
			if kt == "ed25519" && !bytes.Equal(sigs["sshbox"], sigs["openssh"]) {
				t.Errorf("%s: sshbox's signature differs from OpenSSH's:\n%s\n%s", hash, sigs["sshbox"], sigs["openssh"])
			}
			for signer, sig := range sigs {
				sigFile := filepath.Join(dir, "sig-"+signer)
				os.WriteFile(sigFile, sig, 0o644)
				for _, c := range []struct {
					stdin []byte
					args  []string
				}{
					{data, []string{"-Y", "verify", "-f", allowed, "-I", "alice@example.com", "-n", "file", "-s", sigFile}},
					{data, []string{"-Y", "verify", "-f", allowed, "-I", "bobby", "-n", "file", "-s", sigFile}},
					{data, []string{"-Y", "verify", "-f", allowed, "-I", "mallory", "-n", "file", "-s", sigFile}},
					{data, []string{"-Y", "verify", "-f", allowed, "-I", "carol", "-n", "file", "-s", sigFile}},
					{data, []string{"-Y", "verify", "-f", allowed, "-I", "dave", "-n", "file", "-s", sigFile}},
					{data, []string{"-Y", "verify", "-f", allowed, "-I", "alice@example.com", "-n", "git", "-s", sigFile}},
					{append(data, 'x'), []string{"-Y", "verify", "-f", allowed, "-I", "alice@example.com", "-n", "file", "-s", sigFile}},
					{nil, []string{"-Y", "find-principals", "-f", allowed, "-s", sigFile}},
					{nil, []string{"-Y", "match-principals", "-f", allowed, "-I", "bobz"}},
					{data, []string{"-Y", "check-novalidate", "-n", "file", "-s", sigFile}},
					{data, []string{"-q", "-Y", "verify", "-f", allowed, "-I", "alice@example.com", "-n", "file", "-s", sigFile}},
				} {
					ours := runSig(t, c.stdin, nil, tools["sshbox"], c.args...)
					theirs := runSig(t, c.stdin, nil, tools["openssh"], c.args...)
					if ours.status != theirs.status || ours.stdout != theirs.stdout {
						t.Errorf("%s %s signed by %s, %q:\nsshbox  %d %q %q\nOpenSSH %d %q %q", kt, hash, signer, c.args[1:],
							ours.status, ours.stdout, ours.stderr, theirs.status, theirs.stdout, theirs.stderr)
					}
				}
			}
		}
	}
	// Signing files writes file.sig beside each and says so.
	r := runSig(t, nil, nil, tools["sshbox"], "-Y", "sign", "-f", filepath.Join(dir, "id_ed25519"), "-n", "file", msg)
	if r.status != 0 || r.stderr != "Signing file "+msg+"\nWrite signature to "+msg+".sig\n" {
		t.Errorf("sign file: %+v", r)
	}
	if r := runSig(t, nil, nil, tools["sshbox"], "-Y", "sign", "-f", filepath.Join(dir, "id_ed25519"), msg); r.status != 1 || r.stderr != "Too few arguments for sign: missing namespace\r\n" {
		t.Errorf("sign without -n: %+v", r)
	}
	os.WriteFile(filepath.Join(dir, "bad_allowed"), []byte("# x\nalice ssh-ed25519 AAAA\n"), 0o644)
	r = runSig(t, data, nil, tools["sshbox"], "-Y", "verify", "-f", filepath.Join(dir, "bad_allowed"), "-I", "alice", "-n", "file", "-s", msg+".sig")
	if r.status != 255 || !strings.Contains(r.stderr, filepath.Join(dir, "bad_allowed")+":2: ") {
		t.Errorf("bad allowed_signers line: %+v", r)
	}
}

// TestSSHSigGit: git signs a commit through sshbox's ssh-keygen, from the
// key file and from sshbox's agent (a literal key::, which git signs with
// -U), and git verify-commit accepts it through sshbox's and OpenSSH's
// ssh-keygen; a signer not in the allowed signers file is refused.
func TestSSHSigGit(t *testing.T) {
	git := testenv.NeedCmd(t, "git")
	dir := t.TempDir()
	key := testenv.OpenSSHKey(t, dir, "ed25519")
	pub := strings.TrimSpace(string(readFile(t, key+".pub")))
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	allowed := filepath.Join(dir, "allowed_signers")
	os.WriteFile(allowed, []byte("dev@example.com "+pub+"\n"), 0o644)
	wrong := filepath.Join(dir, "wrong_signers")
	os.WriteFile(wrong, []byte("dev@example.com "+strings.TrimSpace(string(readFile(t, other+".pub")))+"\n"), 0o644)
	repo := filepath.Join(dir, "repo")
	sock := startAgent(t, testenv.Bin(t, "ssh-agent"), t.TempDir(), nil, nil)
	if _, stderr, status := agentRun(t, sock, testenv.Bin(t, "ssh-add"), key); status != 0 {
		t.Fatalf("ssh-add: %s", stderr)
	}
	env := []string{"HOME=" + dir, "GIT_CONFIG_NOSYSTEM=1", "SSH_AUTH_SOCK=" + sock,
		"GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.com", "GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.com"}
	gitRun := func(args ...string) sigRun {
		return runSig(t, nil, env, git, append([]string{"-C", repo}, args...)...)
	}
	if r := runSig(t, nil, env, git, "init", "-q", repo); r.status != 0 {
		t.Fatalf("git init: %+v", r)
	}
	for name, signingKey := range map[string]string{"key file": key, "agent": "key::" + pub} {
		os.WriteFile(filepath.Join(repo, "f"), []byte(name), 0o644)
		gitRun("add", "f")
		r := gitRun("-c", "gpg.format=ssh", "-c", "gpg.ssh.program="+testenv.Bin(t, "ssh-keygen"),
			"-c", "user.signingkey="+signingKey, "commit", "-q", "-S", "-m", name)
		if r.status != 0 {
			t.Fatalf("%s: git commit -S: %+v", name, r)
		}
		for verifier, prog := range map[string]string{"sshbox": testenv.Bin(t, "ssh-keygen"), "openssh": testenv.NeedCmd(t, "ssh-keygen")} {
			r := gitRun("-c", "gpg.ssh.program="+prog, "-c", "gpg.ssh.allowedSignersFile="+allowed, "verify-commit", "HEAD")
			if r.status != 0 || !strings.Contains(r.stderr, `Good "git" signature for dev@example.com with ED25519 key`) {
				t.Errorf("%s, verified by %s: %+v", name, verifier, r)
			}
			r = gitRun("-c", "gpg.ssh.program="+prog, "-c", "gpg.ssh.allowedSignersFile="+wrong, "verify-commit", "HEAD")
			if r.status == 0 {
				t.Errorf("%s, verified by %s against the wrong signer: %+v", name, verifier, r)
			}
		}
	}
}

// TestSSHSigCertificate: signing with a user certificate (-f KEY-cert.pub)
// gives OpenSSH's bytes, and a cert-authority line accepts it for the
// certificate's principals only, in both programs.
func TestSSHSigCertificate(t *testing.T) {
	dir := t.TempDir()
	keygen := testenv.NeedCmd(t, "ssh-keygen")
	ca := testenv.OpenSSHKey(t, dir, "ecdsa")
	key := testenv.OpenSSHKey(t, dir, "ed25519")
	if out, err := exec.Command(keygen, "-q", "-s", ca, "-I", "uid", "-n", "alice", key+".pub").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
	}
	allowed := filepath.Join(dir, "allowed")
	os.WriteFile(allowed, []byte("alice,bob cert-authority "+string(readFile(t, ca+".pub"))), 0o644)
	msg := []byte("signed with a certificate\n")
	tools := map[string]string{"sshbox": testenv.Bin(t, "ssh-keygen"), "openssh": keygen}
	sigs := map[string]string{}
	for name, prog := range tools {
		r := runSig(t, msg, nil, prog, "-Y", "sign", "-f", key+"-cert.pub", "-n", "file")
		if r.status != 0 {
			t.Fatalf("%s sign: %+v", name, r)
		}
		sigs[name] = r.stdout
	}
	if sigs["sshbox"] != sigs["openssh"] {
		t.Errorf("signatures differ:\n%s\n%s", sigs["sshbox"], sigs["openssh"])
	}
	sigFile := filepath.Join(dir, "sig")
	os.WriteFile(sigFile, []byte(sigs["openssh"]), 0o644)
	for _, id := range []string{"alice", "bob"} {
		for name, prog := range tools {
			r := runSig(t, msg, nil, prog, "-Y", "verify", "-f", allowed, "-I", id, "-n", "file", "-s", sigFile)
			ok := id == "alice"
			if (r.status == 0) != ok || ok && !strings.HasPrefix(r.stdout, `Good "file" signature for alice with ED25519-CERT key `) {
				t.Errorf("%s verify as %s: %+v", name, id, r)
			}
		}
	}
	r := runSig(t, nil, nil, tools["sshbox"], "-Y", "find-principals", "-f", allowed, "-s", sigFile)
	if r.status != 0 || r.stdout != "alice\n" {
		t.Errorf("find-principals: %+v", r)
	}
}

// TestSSHSigRevocation: -Y verify -r revocation_file refuses a signature
// whose key (or a certificate's CA) the file revokes, a KRL or a list of
// keys alike, and one whose revocation file cannot be read; a file that
// revokes other keys lets it through. OpenSSH's ssh-keygen answers each
// the same (status and standard output).
func TestSSHSigRevocation(t *testing.T) {
	dir := t.TempDir()
	tools := map[string]string{"sshbox": testenv.Bin(t, "ssh-keygen"), "openssh": testenv.NeedCmd(t, "ssh-keygen")}
	keygen := tools["openssh"]
	data := []byte("a message to sign\n")
	key := testenv.OpenSSHKey(t, dir, "ed25519")
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	pub := strings.TrimSpace(string(readFile(t, key+".pub")))
	allowed := filepath.Join(dir, "allowed")
	os.WriteFile(allowed, []byte("alice "+pub+"\n"), 0o644)
	r := runSig(t, data, nil, keygen, "-Y", "sign", "-f", key, "-n", "file")
	if r.status != 0 {
		t.Fatalf("sign: %+v", r)
	}
	sigFile := filepath.Join(dir, "sig")
	os.WriteFile(sigFile, []byte(r.stdout), 0o644)
	krlOf := func(name string, pubs ...string) string {
		p := filepath.Join(dir, name)
		if out, err := exec.Command(keygen, append([]string{"-k", "-f", p}, pubs...)...).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen -k: %v\n%s", err, out)
		}
		return p
	}
	list := filepath.Join(dir, "revoked.list")
	os.WriteFile(list, append(readFile(t, other+".pub"), readFile(t, key+".pub")...), 0o644)
	otherList := filepath.Join(dir, "other.list")
	os.WriteFile(otherList, readFile(t, other+".pub"), 0o644)
	for _, c := range []struct {
		revocations string
		good        bool
	}{
		{krlOf("revoked.krl", key+".pub"), false},
		{list, false},
		{krlOf("other.krl", other+".pub"), true},
		{otherList, true},
		{filepath.Join(dir, "missing"), false},
	} {
		args := []string{"-Y", "verify", "-f", allowed, "-I", "alice", "-n", "file", "-s", sigFile, "-r", c.revocations}
		ours := runSig(t, data, nil, tools["sshbox"], args...)
		theirs := runSig(t, data, nil, tools["openssh"], args...)
		if ours.status != theirs.status || ours.stdout != theirs.stdout || (ours.status == 0) != c.good {
			t.Errorf("-r %s:\nsshbox  %d %q %q\nOpenSSH %d %q %q", filepath.Base(c.revocations),
				ours.status, ours.stdout, ours.stderr, theirs.status, theirs.stdout, theirs.stderr)
		}
	}
}
