package client

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/term"
)

// errNoTTY means a question had to be asked but there is no terminal to ask
// it on (or BatchMode forbids asking).
var errNoTTY = errors.New("no terminal to prompt on")

// Prompter asks the user questions on the controlling terminal, never on
// stdin: stdin belongs to the remote command, and a script piping data into
// ssh must not answer the host key question by accident.
type Prompter struct {
	mu    sync.Mutex
	Batch bool   // BatchMode: never ask
	Path  string // "" = /dev/tty
}

func (p *Prompter) open() (*os.File, error) {
	if p.Batch {
		return nil, errNoTTY
	}
	path := p.Path
	if path == "" {
		path = "/dev/tty"
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, errNoTTY
	}
	return f, nil
}

// Line shows prompt and reads one line with echo.
func (p *Prompter) Line(prompt string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := p.open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	fmt.Fprint(f, prompt)
	// Byte by byte so nothing typed after the newline is swallowed.
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := f.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			if b.Len() == 0 {
				return "", fmt.Errorf("reading the answer: %w", err)
			}
			break
		}
	}
	return strings.TrimRight(b.String(), "\r"), nil
}

// Secret shows prompt and reads one line without echo.
func (p *Prompter) Secret(prompt string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := p.open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	fmt.Fprint(f, prompt)
	fd := int(f.Fd())
	// ^C at the prompt must not leave the terminal without echo: restore
	// it before dying of the signal, as OpenSSH's read_passphrase does.
	if old, err := term.GetState(fd); err == nil {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
		done := make(chan struct{})
		defer func() { signal.Stop(sigs); close(done) }()
		go func() {
			select {
			case sig := <-sigs:
				term.Restore(fd, old)
				fmt.Fprint(f, "\n")
				os.Exit(128 + int(sig.(syscall.Signal)))
			case <-done:
			}
		}()
	}
	b, err := term.ReadPassword(fd)
	fmt.Fprint(f, "\n")
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return string(b), nil
}

// Say writes text to the terminal (for keyboard-interactive instructions).
func (p *Prompter) Say(text string) {
	f, err := p.open()
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprint(f, text)
}

// Available reports whether questions can be asked at all.
func (p *Prompter) Available() bool {
	f, err := p.open()
	if err != nil {
		return false
	}
	f.Close()
	return true
}
