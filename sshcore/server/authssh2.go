package server

import (
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/sshcore/keys"
	"sshbox/sshcore/ssh2auth"
)

// lookupSSH2Authorization looks for key in the user's ssh2 authorization
// file (configfmt's UserConfigDirectory and AuthorizationFile), when the
// server's file is in the ssh2 dialect: each Key line names a public key
// file in the user's directory (RFC 4716, as ssh2 writes them, or one
// OpenSSH line), and the Command and Options lines after it restrict it.
// Every file is read as authorized_keys is (readAuthorizedKeys: as the
// user, StrictModes, any OpenVMS record format). An authorization file
// sshbox cannot read in full gives no keys, and a key whose options it
// cannot enforce does not log in; either is logged.
func (c *conn) lookupSSH2Authorization(a *account, opts *configfmt.ServerOptions, strict bool, keyBytes []byte) *keyOptions {
	// Each key file is opened as the user, one helper process each
	// (sshcore/asuser), for every key a client offers: the number of Key
	// lines read is bounded, as the size of an authorized_keys file is.
	const maxKeys = 64
	path, dir, err := opts.SSH2Authorization(a.Home, a.Name, a.UID, a.GID)
	if err != nil || path == "" {
		if err != nil {
			c.srv.log().Errorf("UserConfigDirectory %v", err)
		}
		return nil
	}
	recs, err := readAuthorizedKeys(path, a, strict)
	if err != nil {
		c.srv.log().Infof(msgAuthKeysBad, err)
		return nil
	}
	entries, err := ssh2auth.Parse(recs)
	if err != nil {
		c.srv.log().Infof(msgAuthKeysBad, fmt.Errorf("%s: %v", path, err))
		return nil
	}
	for i, e := range entries {
		if i == maxKeys {
			c.srv.log().Infof(msgAuthKeysLine, path, e.Line, fmt.Errorf("more than %d keys: the rest are not read", maxKeys))
			break
		}
		if e.PGP {
			continue
		}
		key, err := readSSH2KeyFile(e.File, dir, a, strict)
		if err != nil {
			c.srv.log().Verbosef(msgAuthKeysLine, path, e.Line, err)
			continue
		}
		if string(key.Marshal()) != string(keyBytes) {
			continue
		}
		if e.Unsupported != "" {
			c.srv.log().Infof(msgAuthKeysLine, path, e.Line, fmt.Errorf("option %s is not supported by sshbox: key not used", e.Unsupported))
			continue
		}
		ok, err := c.ssh2FromAllowed(opts, e)
		if err != nil {
			c.srv.log().Infof(msgAuthKeysLine, path, e.Line, err)
			continue
		}
		if !ok {
			c.srv.log().Infof(msgKeyFromRefused, a.Name, c.remoteHost, c.remoteIP)
			continue
		}
		return &keyOptions{
			Command: e.Command, HasCommand: e.HasCommand, Environment: e.Environment,
			NoPty: e.NoPty, NoPortForwarding: e.NoPortForwarding,
			NoAgentForwarding: e.NoAgentForwarding, NoX11Forwarding: e.NoX11Forwarding,
		}
	}
	return nil
}

// ssh2FromAllowed: the client matches one of the key's allow-from patterns
// (if it has any) and none of its deny-from ones, by address or, where a
// pattern could match a name, by the name its address maps back to.
func (c *conn) ssh2FromAllowed(opts *configfmt.ServerOptions, e ssh2auth.Key) (bool, error) {
	if len(e.AllowFrom) == 0 && len(e.DenyFrom) == 0 {
		return true, nil
	}
	parse := func(pats []string) ([]*configfmt.HostList, bool, error) {
		var out []*configfmt.HostList
		needName := false
		for _, p := range pats {
			l, err := opts.SSH2HostList(p)
			if err != nil {
				return nil, false, fmt.Errorf("allow-from or deny-from %q: %v", p, err)
			}
			out = append(out, l)
			needName = needName || l.NeedsName()
		}
		return out, needName, nil
	}
	allow, n1, err := parse(e.AllowFrom)
	if err != nil {
		return false, err
	}
	deny, n2, err := parse(e.DenyFrom)
	if err != nil {
		return false, err
	}
	name := c.matchConn("").Name
	if name == "" && (n1 || n2) {
		name, _ = c.verifiedName(opts.LoginGraceTime)
	}
	for _, l := range deny {
		if l.Match(c.remoteIP, name) {
			return false, nil
		}
	}
	if len(allow) == 0 {
		return true, nil
	}
	for _, l := range allow {
		if l.Match(c.remoteIP, name) {
			return true, nil
		}
	}
	return false, nil
}

// readSSH2KeyFile reads the public key a Key line names: relative to the
// user's ssh2 directory, in whichever case it exists (ssh2auth.AnyCase).
func readSSH2KeyFile(name, dir string, a *account, strict bool) (ssh.PublicKey, error) {
	if !filepath.IsAbs(name) {
		name = filepath.Join(dir, name)
	}
	p := ssh2auth.AnyCase(name)
	recs, err := readAuthorizedKeys(p, a, strict)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("key file %s: no such file or an empty one", p)
	}
	return parseSSH2KeyFile(p, recs)
}

// parseSSH2KeyFile: an RFC 4716 key ("---- BEGIN SSH2 PUBLIC KEY ----"),
// or a key in OpenSSH's one-line form.
func parseSSH2KeyFile(path string, recs []string) (ssh.PublicKey, error) {
	text := strings.Join(recs, "\n")
	if strings.Contains(text, "---- BEGIN SSH2 PUBLIC KEY ----") {
		k, _, err := keys.ParseRFC4716([]byte(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		return k, nil
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return k, nil
}
