package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
// the askpass program answers yes or nothing (OpenSSH's ask_permission,
// SSH_ASKPASS_PROMPT=confirm); the terminal is never asked, and without a
// display nothing is. OpenSSH's ssh runs each case beside sshbox's.
func TestSSHAddKeysToAgentAsk(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	for _, c := range []struct {
		answer, display string
		added           bool
	}{{"no", ":0", false}, {"yes", ":0", true}, {"", ":0", false}, {"yes", "", false}} {
		for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
			sock := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), t.TempDir(), nil, nil)
			dir := t.TempDir()
			log := filepath.Join(dir, "prompts")
			ap := askpassScript(t, dir, log, c.answer)
			args := append(e.base(), "-o", "IdentityAgent="+sock, "-o", "AddKeysToAgent=ask", e.dest(), "echo", "in")
			out, stderr, status := e.runProg(prog, []string{"SSH_ASKPASS=" + ap, "DISPLAY=" + c.display, "SSH_ASKPASS_REQUIRE="}, nil, args...)
			if status != 0 || out != "in\n" {
				t.Fatalf("%s, answer %q: status %d, stderr %q", prog, c.answer, status, stderr)
			}
			if got := agentLists(t, sock, e.key+".pub"); got != c.added {
				t.Errorf("%s, answer %q, DISPLAY %q: the agent lists the key: %v", prog, c.answer, c.display, got)
			}
			prompts, _ := os.ReadFile(log)
			if want := c.display != ""; want != strings.Contains(string(prompts), "Add key "+e.key+" (") ||
				want && !strings.Contains(string(prompts), "to agent?|confirm") {
				t.Errorf("%s, answer %q, DISPLAY %q: askpass asked %q", prog, c.answer, c.display, prompts)
			}
		}
	}
}
