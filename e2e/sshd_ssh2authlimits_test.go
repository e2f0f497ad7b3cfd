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

// The ssh2 dialect's restrictions on how users log in
// (RequiredAuthentications, AuthPublicKey.MinSize and MaxSize,
// AuthKbdInt.Retries), each with OpenSSH's ssh against sshbox's sshd
// reading an SSHD2_CONFIG (startSSHD2): the restriction bites, and what
// it allows still logs in.

// TestSshdSSH2RequiredAuthentications: publickey and password must both
// pass, in either order; either alone is not enough.
func TestSshdSSH2RequiredAuthentications(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	u.SetPassword(t, "both-of-them", "SHA512")
	d := startSSHD2(t, "", "  AllowedAuthentications publickey,password\n  RequiredAuthentications publickey,password\n")
	if out := sshdT(t, d.ConfigPath); !strings.Contains(out, "\nauthenticationmethods publickey,password password,publickey\n") {
		t.Errorf("sshd -T lacks both orders:\n%s", out)
	}
	if out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "id -un"); code == 0 {
		t.Fatalf("the key alone logged in: %q", out)
	}
	d.WaitLog(t, "Partial publickey for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	if _, _, code := sshpassLogin(t, d.Port, u.Name, "both-of-them", "password", nil, "true"); code == 0 {
		t.Fatal("the password alone logged in")
	}
	d.WaitLog(t, "Partial password for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	for _, order := range []string{"publickey,password", "password,publickey"} {
		out, errOut, code := sshpassLogin(t, d.Port, u.Name, "both-of-them", order,
			[]string{"-o", "IdentitiesOnly=yes", "-i", key}, "id -un")
		if code != 0 || strings.TrimSpace(out) != u.Name {
			t.Fatalf("%s: status %d, %q %q\n%s", order, code, out, errOut, d.Proc.Stderr.String())
		}
	}
	d.WaitLog(t, "Accepted password for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	d.WaitLog(t, "Accepted publickey for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
}

// TestSshdSSH2PubkeySize: AuthPublicKey.MinSize 384 refuses an Ed25519
// key (256 bits) and lets an ECDSA P-384 key in; MaxSize 256 the other
// way round.
func TestSshdSSH2PubkeySize(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	ed := u.AuthorizeKey(t, "")
	ec := filepath.Join(t.TempDir(), "id_ecdsa384")
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-q", "-t", "ecdsa", "-b", "384", "-N", "", "-f", ec).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	u.Authorize(t, ec+".pub")
	for _, tc := range []struct {
		line, in, out, refused string
	}{
		{"AuthPublicKey.MinSize 384", ec, ed, "refusing ED25519 key of 256 bits: AuthPublicKey.MinSize 384, MaxSize 0"},
		{"AuthPublicKey.MaxSize 256", ed, ec, "refusing ECDSA key of 384 bits: AuthPublicKey.MinSize 0, MaxSize 256"},
	} {
		d := startSSHD2(t, "", "  "+tc.line+"\n")
		if out := sshdT(t, d.ConfigPath); !strings.Contains(out, "\n"+strings.ToLower(tc.line)+"\n") {
			t.Errorf("sshd -T lacks %s:\n%s", strings.ToLower(tc.line), out)
		}
		if out, errOut, code := sshdLogin(t, d, tc.in, u.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != u.Name {
			t.Fatalf("%s, %s: status %d, %q %q\n%s", tc.line, filepath.Base(tc.in), code, out, errOut, d.Proc.Stderr.String())
		}
		if _, _, code := sshdLogin(t, d, tc.out, u.Name, nil, nil, "true"); code != 255 {
			t.Fatalf("%s, %s: status %d, want 255", tc.line, filepath.Base(tc.out), code)
		}
		d.WaitLog(t, tc.refused, 5*time.Second)
	}
}

// TestSshdSSH2KbdIntRetries: OpenSSH's ssh tries keyboard-interactive
// three times (NumberOfPasswordPrompts) with a wrong password. With
// AuthKbdInt.Retries 1 sshd asks once and fails the other two without
// asking; without it, it asks three times. The right password still
// logs in.
func TestSshdSSH2KbdIntRetries(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.SetPassword(t, "the-right-one", "SHA512")
	dir := t.TempDir()
	prompts := func(d *testenv.Sshbox, answer string) (int, int) {
		t.Helper()
		count := filepath.Join(dir, fmt.Sprintf("count-%d", d.Port))
		askpass := filepath.Join(dir, fmt.Sprintf("askpass-%d", d.Port))
		os.Remove(count)
		os.WriteFile(askpass, []byte("#!/bin/sh\necho x >> "+count+"\necho "+answer+"\n"), 0o755)
		cmd := exec.Command(testenv.NeedCmd(t, "ssh"), "-F", "none", "-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
			"-o", "PreferredAuthentications=keyboard-interactive", "-o", "NumberOfPasswordPrompts=3",
			"-p", fmt.Sprint(d.Port), "-l", u.Name, "127.0.0.1", "true")
		cmd.Env = append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
		err := cmd.Run()
		b, _ := os.ReadFile(count)
		return strings.Count(string(b), "x"), testenv.ExitCode(err)
	}
	base := "  AllowedAuthentications keyboard-interactive\n  PasswordGuesses 6\n"
	limited := startSSHD2(t, "", base+"  AuthKbdInt.Retries 1\n")
	if out := sshdT(t, limited.ConfigPath); !strings.Contains(out, "\nauthkbdint.retries 1\n") {
		t.Errorf("sshd -T lacks authkbdint.retries 1:\n%s", out)
	}
	if n, code := prompts(limited, "wrong"); n != 1 || code != 255 {
		t.Fatalf("AuthKbdInt.Retries 1: %d prompts, status %d; want 1 and 255\n%s", n, code, limited.Proc.Stderr.String())
	}
	limited.WaitLog(t, "keyboard-interactive for "+u.Name+" refused: AuthKbdInt.Retries 1 failed already", 5*time.Second)
	if n, code := prompts(limited, "the-right-one"); n != 1 || code != 0 {
		t.Fatalf("AuthKbdInt.Retries 1, right password: %d prompts, status %d\n%s", n, code, limited.Proc.Stderr.String())
	}
	free := startSSHD2(t, "", base)
	if n, code := prompts(free, "wrong"); n != 3 || code != 255 {
		t.Fatalf("no AuthKbdInt.Retries: %d prompts, status %d; want 3 and 255", n, code)
	}
}
