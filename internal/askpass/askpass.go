// Package askpass runs the SSH_ASKPASS program the way OpenSSH's
// readpass.c does, for every applet that asks a question without a
// terminal: when a program is allowed and when it is to be used
// (SSH_ASKPASS_REQUIRE, DISPLAY, WAYLAND_DISPLAY), how it is run and how
// its answer is read, and ask_permission's yes-or-no.
package askpass

import (
	"os"
	"os/exec"
	"strings"
)

// DefaultProgram is where Debian's OpenSSH looks when SSH_ASKPASS is unset.
const DefaultProgram = "/usr/bin/ssh-askpass"

// Require reads SSH_ASKPASS_REQUIRE and the display as read_passphrase
// does: allow, whether a program may be run at all (a display, or
// "force"; never with "never"), and use, whether it is to be run whatever
// else holds ("force", or "prefer" when allowed).
func Require() (allow, use bool) {
	allow = os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	switch strings.ToLower(os.Getenv("SSH_ASKPASS_REQUIRE")) {
	case "force":
		use, allow = true, true
	case "prefer":
		use = allow
	case "never":
		allow = false
	}
	return allow, use
}

// Program is SSH_ASKPASS, or DefaultProgram.
func Program() string {
	if prog := os.Getenv("SSH_ASKPASS"); prog != "" {
		return prog
	}
	return DefaultProgram
}

// Run asks prog with prompt as its argument, as OpenSSH's ssh_askpass:
// hint, when not "", is put in SSH_ASKPASS_PROMPT ("confirm"); the answer
// is the output up to its first CR or LF (at most 1023 bytes), and ok is
// false when the program could not run or exited non-zero.
func Run(prog, prompt, hint string) (answer string, ok bool) {
	cmd := exec.Command(prog, prompt)
	if hint != "" {
		cmd.Env = append(os.Environ(), "SSH_ASKPASS_PROMPT="+hint)
	}
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", false
	}
	if len(out) > 1023 {
		out = out[:1023]
	}
	s := string(out)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s, true
}

// Permission is OpenSSH's ask_permission (ssh's AddKeysToAgent ask and
// ControlMaster ask, the agent's confirmation of a key added with -c): the
// question goes to the askpass program alone, never to a terminal, with
// SSH_ASKPASS_PROMPT=confirm, when one is allowed. An empty answer or
// "yes" (any case) allows; anything else, a failing program, or none
// allowed, denies.
func Permission(question string) bool {
	if allow, _ := Require(); !allow {
		return false
	}
	a, ok := Run(Program(), question, "confirm")
	return ok && (a == "" || strings.EqualFold(a, "yes"))
}
