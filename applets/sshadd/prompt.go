package sshadd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"sshbox/internal/askpass"
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

// useAskpass is read_passphrase's choice with RP_ALLOW_STDIN, as ssh-add
// asks: the askpass program when one is allowed and either required or
// stdin is not a terminal.
func useAskpass() bool {
	allow, use := askpass.Require()
	return allow && (use || !term.IsTerminal(int(os.Stdin.Fd())))
}

// secret asks one question without echo.
func (p *prompter) secret(prompt string) (string, error) {
	if useAskpass() {
		prog := askpass.Program()
		a, ok := askpass.Run(prog, prompt, "")
		if !ok {
			return "", fmt.Errorf("%s failed", prog)
		}
		return a, nil
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
