package sshkeygen

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// readPassphrase asks on the terminal with echo off, as OpenSSH's
// read_passphrase, or SSH_ASKPASS when OpenSSH would (askpass.go);
// without a terminal it reads a line from stdin.
func (o *opts) readPassphrase(prompt string) ([]byte, error) {
	if p, ok := o.askpass(prompt); ok {
		return p, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err == nil {
		defer tty.Close()
		fmt.Fprint(tty, prompt)
		p, err := term.ReadPassword(int(tty.Fd()))
		fmt.Fprint(tty, "\n")
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	fmt.Fprint(o.stderr, prompt)
	line, err := o.readLine()
	return []byte(line), err
}

// readLine reads one line from stdin (the overwrite question and file
// name prompts, as OpenSSH reads them with fgets(stdin)).
func (o *opts) readLine() (string, error) {
	if o.lineReader == nil {
		o.lineReader = bufio.NewReader(o.stdin)
	}
	s, err := o.lineReader.ReadString('\n')
	if err != nil && (err != io.EOF || s == "") {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// newPassphrase is -N, or asked twice until both agree.
func (o *opts) newPassphrase(prompt string) ([]byte, error) {
	if o.hasNewPass {
		return []byte(o.newPass), nil
	}
	for {
		p1, err := o.readPassphrase(prompt)
		if err != nil {
			return nil, err
		}
		p2, err := o.readPassphrase(msgSamePass)
		if err != nil {
			return nil, err
		}
		if string(p1) == string(p2) {
			return p1, nil
		}
		fmt.Fprint(o.stdout, msgPassMismatch)
	}
}

// oldPassphrase returns the passphrase callback for loading a key: -P, or
// asked on the terminal.
func (o *opts) oldPassphrase(prompt string) func() ([]byte, error) {
	return func() ([]byte, error) {
		if o.hasOldPass {
			return []byte(o.oldPass), nil
		}
		// A passphrase that cannot be read is empty, and is tried, as
		// OpenSSH's read_passphrase makes it.
		p, err := o.readPassphrase(prompt)
		if err != nil {
			return []byte{}, nil
		}
		return p, nil
	}
}
