package client

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/sshcore/knownhosts"
)

// Commands ssh_config runs on the local machine: LocalCommand after
// connecting, KnownHostsCommand for more known_hosts lines.

// runLocalCommand runs LocalCommand, when PermitLocalCommand allows it,
// as OpenSSH's ssh_local_cmd: after authentication and the forwardings,
// before the session, through the user's shell, waited for; its exit
// status does not matter. Its tokens are expanded now (%T is the local
// tunnel device of -w, or NONE), without ${VAR}: the shell sees those.
func (c *Client) runLocalCommand() {
	o := c.Opts
	if !o.PermitLocalCommand || o.LocalCommand == "" {
		return
	}
	tunName := c.tunName
	if tunName == "" {
		tunName = "NONE"
	}
	cmdline, err := o.Expand(o.LocalCommand, map[byte]string{'T': tunName}, false)
	if err != nil {
		c.Log.Error(msgLocalCmdExpand, err)
		return
	}
	cmd := c.localShell(cmdline)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		c.Log.Debug1("LocalCommand: %v", err)
	}
}

// localShell is the user's shell running cmdline, as OpenSSH's
// ssh_local_cmd starts it.
func (c *Client) localShell(cmdline string) *exec.Cmd {
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	c.Log.Debug3("Executing %s -c \"%s\"", shell, cmdline)
	return exec.Command(shell, "-c", cmdline)
}

// escapeLocalCommand runs ~C's !args and returns what it printed.
func (c *Client) escapeLocalCommand(cmdline string) string {
	var out bytes.Buffer
	cmd := c.localShell(cmdline)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		c.Log.Debug1("local command: %v", err)
	}
	return out.String()
}

// knownHostsCommand runs KnownHostsCommand for one lookup, as OpenSSH's
// load_hostkeys_command: the command line split into words, each with its
// tokens and ${VAR} expanded (%H the name looked up, %I why, and the
// server's key as %t %f %K, or NONE before it is known), run without a
// shell; its output is read as known_hosts lines. A command that cannot
// run or does not exit 0 ends the connection. name is %H: for HOSTNAME
// the name as known_hosts lists it (HostKeyAlias, or the host with its
// port), for ADDRESS the address so, and for ORDER, as OpenSSH passes
// it, the host name alone, whatever HostKeyAlias and the port.
func (h *hostKeyCheck) knownHostsCommand(invocation, name string, key ssh.PublicKey) ([]*knownhosts.Entry, error) {
	o := h.c.Opts
	if o.KnownHostsCommand == "" || o.KnownHostsCommand == "none" {
		return nil, nil
	}
	extra := map[byte]string{'H': name, 'I': invocation, 't': "NONE", 'f': "NONE", 'K': "NONE"}
	if key != nil {
		extra['t'] = key.Type()
		extra['f'] = h.c.fingerprint(key)
		extra['K'] = base64.StdEncoding.EncodeToString(key.Marshal())
	}
	argv, err := configfmt.SplitArgs(o.KnownHostsCommand)
	if err == nil && len(argv) == 0 {
		err = errors.New("empty command")
	}
	for i := 0; err == nil && i < len(argv); i++ {
		argv[i], err = o.Expand(argv[i], extra, true)
	}
	if err == nil && !strings.HasPrefix(argv[0], "/") {
		err = fmt.Errorf("%s path is not absolute", argv[0])
	}
	if err != nil {
		return nil, fatalf(msgKnownHostsCmd, o.KnownHostsCommand, err.Error())
	}
	h.c.Log.Debug3("load_hostkeys_command: running %q", strings.Join(argv, " "))
	var out bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() >= 0 {
			return nil, fatalf(msgKnownHostsCmd, o.KnownHostsCommand, fmt.Sprintf("exited with status %d", exit.ExitCode()))
		}
		return nil, fatalf(msgKnownHostsCmd, o.KnownHostsCommand, capitalize(err.Error()))
	}
	var entries []*knownhosts.Entry
	for i, line := range strings.Split(out.String(), "\n") {
		e, err := knownhosts.ParseLine(strings.TrimSuffix(line, "\r"))
		if err != nil {
			h.c.Log.Debug1("KnownHostsCommand line %d: %v", i+1, err)
			continue
		}
		if e != nil {
			e.File, e.Line = knownhostsCommandFile, i+1
			entries = append(entries, e)
		}
	}
	return entries, nil
}
