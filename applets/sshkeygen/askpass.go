package sshkeygen

import (
	"os"

	"golang.org/x/term"

	"sshbox/internal/askpass"
)

// askpass asks SSH_ASKPASS for a passphrase when OpenSSH's read_passphrase
// would with RP_ALLOW_STDIN, as ssh-keygen calls it: a program allowed
// (askpass.Require) and either required or stdin not a terminal. ok is
// false when it is not to be used; a program that fails gives the empty
// passphrase, as in OpenSSH.
func (o *opts) askpass(prompt string) (pass []byte, ok bool) {
	allow, use := askpass.Require()
	if !allow || !use && o.stdinIsTerminal() {
		return nil, false
	}
	a, _ := askpass.Run(askpass.Program(), prompt, "")
	return []byte(a), true
}

func (o *opts) stdinIsTerminal() bool {
	f, ok := o.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
