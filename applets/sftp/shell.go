package sftp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/pkg/sftp"
	"golang.org/x/term"

	"sshbox/applets/xferconn"
	"sshbox/sshcore/transfer"
)

// session is one sftp run: the connection, the working directory, and the
// settings the command line and the commands change.
type session struct {
	flags     xferconn.Flags
	set       transfer.Settings
	pool      *transfer.Pool
	cl        *sftp.Client
	cwd       string
	startDir  string // where the session began, cd's target without a path
	quiet     bool
	batch     bool
	recursive bool
	progress  bool
	// errAbort is OpenSSH's err_abort: the command runs in batch mode
	// without "-", and a command over several files stops at the first
	// that fails.
	errAbort bool
}

// promptText is the interactive prompt.
const promptText = "sftp> "

// errQuit ends the session (bye, quit, exit).
var errQuit = errors.New("quit")

// errShown is a failed command whose message is already printed.
var errShown = errors.New("failed")

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// script runs commands from a batch file or a non-terminal stdin. Each is
// echoed after the prompt unless it starts with '@'. In batch mode (-b) a
// failing command ends the run with status 1, unless it starts with '-'.
func (s *session) script(r *bufio.Reader) int {
	for {
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			return 0
		}
		line = strings.TrimRight(line, "\r\n")
		cmd := strings.TrimLeft(line, " \t")
		echo, ignore := true, false
		for len(cmd) > 0 && (cmd[0] == '@' || cmd[0] == '-') {
			if cmd[0] == '@' {
				echo = false
			} else {
				ignore = true
			}
			cmd = cmd[1:]
		}
		if echo {
			mprintf("sftp> %s\n", line)
		}
		s.errAbort = s.batch && !ignore
		err = s.line(cmd)
		s.errAbort = false
		if err == errQuit {
			return 0
		}
		if err != nil && s.batch && !ignore {
			return 1
		}
		if isConnLost(err) {
			return 1
		}
	}
}

// interactive reads commands on the terminal with line editing and
// history (golang.org/x/term), running each with the terminal restored.
func (s *session) interactive() int {
	fd := int(os.Stdin.Fd())
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{ctrlCReader{os.Stdin}, os.Stdout}, promptText)
	t.AutoCompleteCallback = s.completer(t)
	for {
		old, err := term.MakeRaw(fd)
		if err != nil {
			return s.script(bufio.NewReader(os.Stdin))
		}
		if w, h, err := term.GetSize(fd); err == nil {
			t.SetSize(w, h)
		}
		line, err := t.ReadLine()
		term.Restore(fd, old)
		if err != nil {
			// ^D: as OpenSSH, a newline and out.
			fmt.Println()
			return 0
		}
		if err := s.interruptible(line); err == errQuit {
			return 0
		} else if isConnLost(err) {
			return 1
		}
	}
}

func isConnLost(err error) bool {
	return err != nil && errors.Is(err, sftp.ErrSSHFxConnectionLost)
}

// line runs one command line; errors are printed here.
func (s *session) line(line string) error {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return nil
	}
	if line[0] == '!' {
		return s.shell(line[1:])
	}
	words, err := splitLine(line)
	if err != nil {
		return fail("%v", err)
	}
	if len(words) == 0 {
		return nil
	}
	return s.run(words)
}

// interruptible runs a command with ^C caught: it stops a transfer between
// chunks (the part done stays for reget) and returns to the prompt, where
// OpenSSH's sftp would too, instead of ending the session.
func (s *session) interruptible(line string) error {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	cancel, done := make(chan struct{}), make(chan struct{})
	go func() {
		select {
		case <-sig:
			close(cancel)
		case <-done:
		}
	}()
	s.set.Cancel = cancel
	err := s.line(line)
	signal.Stop(sig)
	close(done)
	s.set.Cancel = nil
	return err
}

// ctrlCReader turns ^C at the prompt into ^U (erase the line): x/term
// would end the session on ^C, where OpenSSH's sftp ignores it there.
type ctrlCReader struct{ r io.Reader }

func (c ctrlCReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == 3 {
			p[i] = 0x15
		}
	}
	return n, err
}
