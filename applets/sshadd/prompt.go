package sshadd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/term"

	"sshbox/sshcore/client"
)

// prompter asks for passphrases the way OpenSSH's read_passphrase does for
// ssh-add: through SSH_ASKPASS when SSH_ASKPASS_REQUIRE says so or when
// there is a display and stdin is no terminal, else on /dev/tty, else a
// line from stdin.
type prompter struct {
	tty   client.Prompter
	stdin *bufio.Reader
	out   io.Writer
}

func newPrompter(stdin *bufio.Reader, stderr io.Writer) *prompter {
	return &prompter{stdin: stdin, out: stderr}
}

func useAskpass() bool {
	prog := os.Getenv("SSH_ASKPASS")
	switch os.Getenv("SSH_ASKPASS_REQUIRE") {
	case "force":
		return true
	case "prefer":
		return prog != ""
	case "never":
		return false
	}
	return prog != "" && os.Getenv("DISPLAY") != "" && !term.IsTerminal(int(os.Stdin.Fd()))
}

// secret asks one question without echo.
func (p *prompter) secret(prompt string) (string, error) {
	if useAskpass() {
		prog := os.Getenv("SSH_ASKPASS")
		if prog == "" {
			prog = "/usr/bin/ssh-askpass"
		}
		out, err := exec.Command(prog, prompt).Output()
		if err != nil {
			return "", fmt.Errorf("%s: %w", prog, err)
		}
		return strings.TrimRight(string(out), "\r\n"), nil
	}
	if p.tty.Available() {
		return p.tty.Secret(prompt)
	}
	fmt.Fprint(p.out, prompt)
	line, err := p.stdin.ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
