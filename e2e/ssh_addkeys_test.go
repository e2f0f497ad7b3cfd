package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// agentLists reports whether OpenSSH's ssh-add -l, asking the agent at
// sock, lists the key whose public half is pub.
func agentLists(t *testing.T, sock, pub string) bool {
	t.Helper()
	out, _, _ := agentRun(t, sock, testenv.NeedCmd(t, "ssh-add"), "-l")
	return strings.Contains(out, fingerprint(t, pub))
}

// TestSSHAddKeysToAgent: a key read from a file goes to OpenSSH's agent
// once it has logged in, under AddKeysToAgent yes, confirm (the agent then
// refuses to sign without a confirmation nobody can give here) or a
// lifetime (the agent drops it); not under no.
func TestSSHAddKeysToAgent(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	agentProg := testenv.NeedCmd(t, "ssh-agent")
	for _, tc := range []struct {
		value string
		added bool
	}{
		{"no", false},
		{"yes", true},
		{"confirm", true},
		{"2", true},
	} {
		t.Run(tc.value, func(t *testing.T) {
			sock := startAgent(t, agentProg, t.TempDir(), nil, nil)
			args := append(e.base(), "-o", "BatchMode=yes", "-o", "IdentityAgent="+sock, "-o", "AddKeysToAgent="+tc.value, e.dest(), "echo", "ok")
			stdout, stderr, status := e.run(nil, args...)
			if status != 0 || stdout != "ok\n" {
				t.Fatalf("login: status %d, stderr %q", status, stderr)
			}
			if got := agentLists(t, sock, e.key+".pub"); got != tc.added {
				t.Fatalf("the agent lists the key: %v, want %v", got, tc.added)
			}
			switch tc.value {
			case "confirm":
				if status, _ := loginWithAgent(t, e, sock); status == 0 {
					t.Error("the agent signed with a key added under confirm, unconfirmed")
				}
			case "2":
				waitFor(t, "the agent to drop the key after its 2-second lifetime", func() bool {
					return !agentLists(t, sock, e.key+".pub")
				})
			case "yes":
				if status, stderr := loginWithAgent(t, e, sock); status != 0 {
					t.Errorf("login through the agent: status %d, stderr %q", status, stderr)
				}
			}
		})
	}
}

// TestSSHAddKeysToAgentEncrypted: an encrypted key goes to the agent
// after its passphrase was typed, so the next login needs none.
func TestSSHAddKeysToAgentEncrypted(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	sock := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), t.TempDir(), nil, nil)
	key := e.encryptedKey(t, "open sesame")
	args := []string{"-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + e.kh,
		"-o", "IdentityAgent=" + sock, "-o", "AddKeysToAgent=yes",
		"-o", "PasswordAuthentication=no", "-p", fmt.Sprint(e.port), e.dest(), "echo", "unlocked"}
	e.typePassphrase(t, key, "open sesame", "unlocked", args...)
	if !agentLists(t, sock, key+".pub") {
		t.Fatal("the decrypted key is not in the agent")
	}
	// The next login takes the key from the agent: no question.
	stdout, stderr, status := e.run(nil, append(args[:len(args)-3:len(args)-3], "-o", "BatchMode=yes", e.dest(), "echo", "again")...)
	if status != 0 || stdout != "again\n" {
		t.Errorf("second login: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

// TestSSHAddKeysToAgentAsk: under ask, the key goes to the agent only when
// the question on the terminal is answered yes (or with Enter).
func TestSSHAddKeysToAgentAsk(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	for _, answer := range []string{"no", "yes"} {
		sock := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), t.TempDir(), nil, nil)
		args := append(e.base(), "-o", "IdentityAgent="+sock, "-o", "AddKeysToAgent=ask", e.dest(), "echo", "in")
		tm := e.term(24, 80, args...)
		at := tm.Expect(0, fmt.Sprintf("Add key %s (", e.key), 15*time.Second)
		tm.Type(answer + "\r")
		tm.Expect(at, "in", 10*time.Second)
		if status := tm.Wait(10 * time.Second); status != 0 {
			t.Fatalf("%s: status %d; terminal:\n%s", answer, status, tm.Output())
		}
		if got := agentLists(t, sock, e.key+".pub"); got != (answer == "yes") {
			t.Errorf("answered %s: the agent lists the key: %v", answer, got)
		}
	}
}
