// Package sshadd is the ssh-add applet: OpenSSH's command line over
// golang.org/x/crypto/ssh/agent's client, for sshbox's agent and
// OpenSSH's alike.
package sshadd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/internal/help"
	"sshbox/sshcore/keys"
)

// Main runs ssh-add with argv and returns its exit status.
func Main(args []string) int {
	if help.Asked(args[1:], false) { // -h is a destination constraint
		help.Print(os.Stderr, msgUsage)
		return 1
	}
	return run(args[1:], os.Stdin, os.Stdout, os.Stderr)
}

type app struct {
	*opts
	ag             agent.ExtendedAgent
	stdin          *bufio.Reader
	stdout, stderr io.Writer
	prompt         *prompter
	// stdinRead is set once "-" has read standard input to its end.
	// OpenSSH's ssh-add then closes it, so a second "-" fails.
	stdinRead bool
	// pass is the passphrase that opened the last encrypted key; it is
	// tried on the next one before asking.
	pass string
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// OpenSSH's ssh-add connects to the agent before it reads its command
	// line: without an agent every command line, a wrong one too, gets
	// the agent's error.
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		fmt.Fprint(stderr, msgNoAgent)
		return 2
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		fmt.Fprintf(stderr, msgAgentConnect, errText(err))
		return 2
	}
	defer conn.Close()
	o, status := parseArgs(args, stderr)
	if o == nil {
		return status
	}
	// One buffer for both readers of stdin: a passphrase line read before
	// "-" must not take the key's first bytes with it.
	in := bufio.NewReader(stdin)
	a := &app{opts: o, ag: agent.NewClient(conn), stdin: in, stdout: stdout, stderr: stderr, prompt: newPrompter(in, stderr)}
	switch {
	case o.lockMode != 0:
		return a.lockAgent()
	case o.listMode != 0:
		return a.listKeys()
	case o.removeAll:
		if err := a.ag.RemoveAll(); err != nil {
			fmt.Fprint(stderr, msgRemoveAllFail)
			return 1
		}
		if !o.quiet {
			fmt.Fprint(stderr, msgAllRemoved)
		}
		return 0
	case o.test:
		return a.testKeys()
	case o.unsupported != "":
		fmt.Fprintf(stderr, msgUnsupported, o.unsupported)
		return 1
	}
	files := o.files
	if len(files) == 0 {
		files = defaultIdentities()
		if len(files) == 0 {
			return 1
		}
	}
	status = 0
	for _, f := range files {
		var ok bool
		if o.remove {
			var fatal bool
			if ok, fatal = a.deleteFile(f); fatal {
				return 255
			}
		} else {
			ok = a.addFile(f)
		}
		if !ok {
			status = 1
		}
	}
	return status
}

// defaultIdentities are the files ssh-add loads without arguments, in
// OpenSSH's order, those that exist.
func defaultIdentities() []string {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	var out []string
	for _, name := range []string{"id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk"} {
		p := filepath.Join(home, ".ssh", name)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// listKeys is -l (fingerprints) and -L (public keys).
func (a *app) listKeys() int {
	ids, err := a.ag.List()
	if err != nil {
		fmt.Fprintf(a.stderr, msgFetchFailed, agentErr(err))
		return 1
	}
	if len(ids) == 0 {
		fmt.Fprint(a.stdout, msgNoIdentities)
		return 1
	}
	for _, id := range ids {
		// The agent's Key prints its blob; certificates and bit counts
		// need the parsed key.
		var k ssh.PublicKey = id
		if p, err := ssh.ParsePublicKey(id.Blob); err == nil {
			k = p
		}
		if a.listMode == 'l' {
			fmt.Fprintln(a.stdout, keys.FingerprintLine(k, a.hash, id.Comment))
		} else {
			fmt.Fprintln(a.stdout, keys.AuthorizedLine(k, id.Comment))
		}
	}
	return 0
}

// lockAgent is -x (asks twice) and -X.
func (a *app) lockAgent() int {
	lock := a.lockMode == 'x'
	// A password that cannot be read (standard input at its end) is
	// empty, as OpenSSH's read_passphrase makes it, and still sent.
	p1, _ := a.prompt.secret(msgLockPrompt)
	if lock {
		p2, _ := a.prompt.secret(msgLockAgain)
		if p1 != p2 {
			fmt.Fprint(a.stderr, msgLockMismatch)
			return 1
		}
	}
	un := "un"
	var err error
	if lock {
		un, err = "", a.ag.Lock([]byte(p1))
	} else {
		err = a.ag.Unlock([]byte(p1))
	}
	if err != nil {
		fmt.Fprintf(a.stderr, msgLockFailed, un, agentErr(err))
		return 1
	}
	fmt.Fprintf(a.stderr, msgLocked, un)
	return 0
}

// agentErr words an agent error as OpenSSH's ssh_err does: the agent's
// SSH_AGENT_FAILURE is a refusal; a broken connection is a failure to
// communicate.
func agentErr(err error) string {
	if strings.HasPrefix(err.Error(), "agent: client error") || errors.Is(err, io.EOF) {
		return errComm
	}
	return errRefused
}

// errText is an error as C's strerror words it.
func errText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return errText(pe.Err)
	}
	return err.Error()
}
