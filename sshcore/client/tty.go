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

	"sshbox/internal/askpass"
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
	// Askpass lets a question go to SSH_ASKPASS where OpenSSH's
	// read_passphrase sends ssh's own questions (askpassProgram).
	Askpass bool
}

// errAskpass: the askpass program failed or was refused (non-zero exit).
var errAskpass = errors.New("askpass failed")

// askpassProgram is the program a question goes to instead of the
// terminal, "" for the terminal: as OpenSSH's read_passphrase decides for
// ssh (no RP_ALLOW_STDIN), an askpass program is allowed with DISPLAY or
// WAYLAND_DISPLAY set, or SSH_ASKPASS_REQUIRE=force, and used when forced,
// when preferred (SSH_ASKPASS_REQUIRE=prefer) and allowed, or when there is
// no terminal to open; SSH_ASKPASS_REQUIRE=never keeps to the terminal.
func (p *Prompter) askpassProgram() string {
	if !p.Askpass || p.Batch {
		return ""
	}
	allow, use := askpass.Require()
	if !use {
		f, err := p.open()
		if err != nil {
			use = true
		} else {
			f.Close()
		}
	}
	if !use || !allow {
		return ""
	}
	return askpass.Program()
}

// runAskpass asks prog as read_passphrase does: its failure is errAskpass.
func runAskpass(prog, prompt string) (string, error) {
	if a, ok := askpass.Run(prog, prompt, ""); ok {
		return a, nil
	}
	return "", errAskpass
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

// Line shows prompt and reads one line with echo (or asks SSH_ASKPASS;
// its failure is errAskpass, an answer of no).
func (p *Prompter) Line(prompt string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if prog := p.askpassProgram(); prog != "" {
		return runAskpass(prog, prompt)
	}
	f, err := p.open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	// At the start of the line, as OpenSSH's read_passphrase writes a CR
	// first, over whatever was typed ahead.
	fmt.Fprint(f, "\r"+prompt)
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

// Secret shows prompt and reads one line without echo (or asks
// SSH_ASKPASS: a failed program gives the empty answer, as OpenSSH's
// read_passphrase does without RP_ALLOW_EOF).
func (p *Prompter) Secret(prompt string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if prog := p.askpassProgram(); prog != "" {
		s, _ := runAskpass(prog, prompt)
		return s, nil
	}
	f, err := p.open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	fmt.Fprint(f, "\r"+prompt)
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

// Available reports whether questions can be asked at all.
func (p *Prompter) Available() bool {
	if p.askpassProgram() != "" {
		return true
	}
	f, err := p.open()
	if err != nil {
		return false
	}
	f.Close()
	return true
}
