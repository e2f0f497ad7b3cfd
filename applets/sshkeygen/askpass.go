package sshkeygen

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/term"
)

// defaultAskpass is where Debian's OpenSSH looks when SSH_ASKPASS is unset.
const defaultAskpass = "/usr/bin/ssh-askpass"

// askpass asks SSH_ASKPASS for a passphrase when OpenSSH's read_passphrase
// would (readpass.c, with RP_ALLOW_STDIN as ssh-keygen calls it): an
// askpass program is allowed when DISPLAY or WAYLAND_DISPLAY is set, or
// SSH_ASKPASS_REQUIRE=force; it is used when forced, preferred
// (SSH_ASKPASS_REQUIRE=prefer) or when stdin is not a terminal.
// SSH_ASKPASS_REQUIRE=never disallows it. ok is false when it is not to be
// used; a program that fails gives the empty passphrase, as in OpenSSH.
func (o *opts) askpass(prompt string) (pass []byte, ok bool) {
	allow := os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	use := false
	switch strings.ToLower(os.Getenv("SSH_ASKPASS_REQUIRE")) {
	case "force":
		use, allow = true, true
	case "prefer":
		use = allow
	case "never":
		allow = false
	}
	if !use && !o.stdinIsTerminal() {
		use = true
	}
	if !use || !allow {
		return nil, false
	}
	prog := os.Getenv("SSH_ASKPASS")
	if prog == "" {
		prog = defaultAskpass
	}
	out, err := exec.Command(prog, prompt).Output()
	if err != nil {
		return []byte{}, true
	}
	line, _ := bufio.NewReader(bytes.NewReader(out)).ReadString('\n')
	return []byte(strings.TrimRight(line, "\r\n")), true
}

func (o *opts) stdinIsTerminal() bool {
	f, ok := o.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
