package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// askpassScript writes an SSH_ASKPASS program that records each prompt
// (and SSH_ASKPASS_PROMPT) in log and answers with answer, or fails with
// status 1 when answer is "".
func askpassScript(t *testing.T, dir, log, answer string) string {
	t.Helper()
	p := filepath.Join(dir, "askpass")
	reply := "exit 1"
	if answer != "" {
		reply = "echo '" + answer + "'"
	}
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s|%%s\\n' \"$1\" \"${SSH_ASKPASS_PROMPT-unset}\" >> %s\n%s\n", log, reply)
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSSHAskpass: ssh asks SSH_ASKPASS where OpenSSH's read_passphrase
// does: forced by SSH_ASKPASS_REQUIRE=force, or with no terminal and a
// DISPLAY; never with SSH_ASKPASS_REQUIRE=never. The password and the
// keyboard-interactive answer come from it (prompts in OpenSSH's words,
// "(user@host) Password: " for the latter, HostKeyAlias named when set),
// each case run by OpenSSH's ssh too, which must see the same prompts and
// end the same way.
func TestSSHAskpass(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.SetPassword(t, "askpass-pw", "SHA512")
	d := testenv.StartSshbox(t, "PasswordAuthentication yes\nKbdInteractiveAuthentication yes")
	run := func(prog string, env []string, extra ...string) (out, prompts string, status int) {
		t.Helper()
		dir := t.TempDir()
		log := filepath.Join(dir, "prompts")
		answer := "askpass-pw"
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "ANSWER="); ok {
				answer = v
			}
		}
		ap := askpassScript(t, dir, log, answer)
		args := append([]string{"-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "LogLevel=ERROR", "-o", "NumberOfPasswordPrompts=1", "-p", fmt.Sprint(d.Port)}, extra...)
		cmd := exec.Command(prog, append(args, u.Name+"@127.0.0.1", "echo logged-in")...)
		cmd.Env = append(os.Environ(), "SSH_ASKPASS="+ap, "SSH_ASKPASS_REQUIRE=", "DISPLAY=", "WAYLAND_DISPLAY=")
		cmd.Env = append(cmd.Env, env...)
		// No controlling terminal, as under a desktop or a cron job.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		o, err := cmd.Output()
		p, _ := os.ReadFile(log)
		return string(o), string(p), testenv.ExitCode(err)
	}
	for _, c := range []struct {
		what  string
		env   []string
		extra []string
		ok    bool
	}{
		{"force, password", []string{"SSH_ASKPASS_REQUIRE=force"}, []string{"-o", "PreferredAuthentications=password"}, true},
		{"force, keyboard-interactive", []string{"SSH_ASKPASS_REQUIRE=force"}, []string{"-o", "PreferredAuthentications=keyboard-interactive"}, true},
		{"force, HostKeyAlias", []string{"SSH_ASKPASS_REQUIRE=force"}, []string{"-o", "PreferredAuthentications=keyboard-interactive,password", "-o", "HostKeyAlias=alias.test"}, true},
		{"no terminal, DISPLAY", []string{"DISPLAY=:0"}, []string{"-o", "PreferredAuthentications=password"}, true},
		{"no terminal, no DISPLAY", nil, []string{"-o", "PreferredAuthentications=password"}, false},
		{"never", []string{"DISPLAY=:0", "SSH_ASKPASS_REQUIRE=never"}, []string{"-o", "PreferredAuthentications=password"}, false},
		{"wrong answer", []string{"SSH_ASKPASS_REQUIRE=force", "ANSWER=nope"}, []string{"-o", "PreferredAuthentications=password"}, false},
		{"BatchMode", []string{"SSH_ASKPASS_REQUIRE=force"}, []string{"-o", "BatchMode=yes", "-o", "PreferredAuthentications=password"}, false},
	} {
		out, prompts, status := run(testenv.Bin(t, "ssh"), c.env, c.extra...)
		wantOut, wantPrompts, wantStatus := run(testenv.NeedCmd(t, "ssh"), c.env, c.extra...)
		if status != wantStatus || out != wantOut || prompts != wantPrompts {
			t.Errorf("%s: sshbox status %d, out %q, prompts %q; OpenSSH status %d, out %q, prompts %q",
				c.what, status, out, prompts, wantStatus, wantOut, wantPrompts)
		}
		if ok := status == 0 && out == "logged-in\n"; ok != c.ok {
			t.Errorf("%s: status %d, out %q; want logged in: %v", c.what, status, out, c.ok)
		}
	}
}

// TestSSHAskpassHostKey: the host key question goes to SSH_ASKPASS when
// there is no terminal and a DISPLAY, as OpenSSH's confirm(): "yes" adds
// the key and connects; "no", or a program that fails, refuses.
func TestSSHAskpassHostKey(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	for _, c := range []struct {
		answer string
		ok     bool
	}{{"yes", true}, {"no", false}, {"", false}} {
		dir := t.TempDir()
		log := filepath.Join(dir, "prompts")
		ap := askpassScript(t, dir, log, c.answer)
		kh := filepath.Join(dir, "known_hosts")
		cmd := exec.Command(testenv.Bin(t, "ssh"), "-F", "/dev/null", "-i", e.key, "-o", "IdentitiesOnly=yes",
			"-o", "UserKnownHostsFile="+kh, "-p", fmt.Sprint(e.port), e.dest(), "echo logged-in")
		cmd.Env = append(os.Environ(), "SSH_ASKPASS="+ap, "SSH_ASKPASS_REQUIRE=", "DISPLAY=:0", "HOME="+dir)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		done := make(chan struct{})
		var out []byte
		var err error
		go func() { out, err = cmd.Output(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("answer %q: ssh did not end (asking again and again?)", c.answer)
		}
		prompts, _ := os.ReadFile(log)
		added, _ := os.ReadFile(kh)
		if got := err == nil && string(out) == "logged-in\n"; got != c.ok || (len(added) > 0) != c.ok {
			t.Errorf("answer %q: logged in %v (%v, %q), known_hosts %q", c.answer, got, err, out, added)
		}
		if !strings.Contains(string(prompts), "Are you sure you want to continue connecting (yes/no)?") {
			t.Errorf("answer %q: askpass was asked %q", c.answer, prompts)
		}
	}
}
