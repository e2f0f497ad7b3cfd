package client

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/errtext"
	"sshbox/sshcore/keys"
	"sshbox/sshcore/knownhosts"
	"sshbox/sshcore/krl"
	"sshbox/sshcore/rekey"
)

// errHostKey is returned through the handshake when the host key was refused;
// the reason has already been shown, the caller adds "Host key verification
// failed." and exits 255.
var errHostKey = errors.New("host key verification failed")

// hostKeyCheck proves the server's identity against the known hosts files,
// asking the user the first time (design.md §4).
type hostKeyCheck struct {
	c    *Client
	name string // the name looked up in known_hosts (HostKeyAlias or HostName)
	port int    // 22 when HostKeyAlias is used: the alias is taken as written
	ip   string // the address connected to, for CheckHostIP
	// noIP: CheckHostIP was turned off during the check, as OpenSSH's
	// check_host_key turns it off for the rest of the connection.
	noIP bool
	// addWithIP: the address to list along with the host when its key
	// is added (CheckHostIP, the address not listed yet).
	addWithIP string
	insecure  bool   // StrictHostKeyChecking=no accepted a changed key
	onFirst   func() // called once the server has shown its key
	accepted  []byte // the key accepted, for re-keys
	// trusted: the key was found in a user known_hosts file or accepted
	// by the user, which is what lets UpdateHostKeys rewrite that file.
	trusted bool
	// dnsMatch: VerifyHostKeyDNS found the key in the host's SSHFP
	// records, which the first-connection question mentions.
	dnsMatch bool
	kex      *kexLog
	rekey    *rekey.Timer // RekeyLimit's time part, nil when none
}

// keyTypeName is the key type as OpenSSH names it in its messages.
func keyTypeName(k ssh.PublicKey) string { return knownhosts.KeyTypeName(k) }

func (h *hostKeyCheck) knownHostsFiles() []string {
	o := h.c.Opts
	files := append([]string(nil), o.UserKnownHostsFiles...)
	return append(files, o.GlobalKnownHostsFiles...)
}

// callback is the ssh.HostKeyCallback. x/crypto calls it again at every
// re-key; the key accepted at the start is accepted again without a
// question, even when it was not stored (UserKnownHostsFile /dev/null).
// As OpenSSH, -v shows "Server host key:" at every key exchange, so the
// re-keys of a connection can be counted from its log.
func (h *hostKeyCheck) callback(hostname string, remote net.Addr, key ssh.PublicKey) error {
	rekey := h.accepted != nil
	if rekey && h.kex != nil {
		h.kex.rekeying()
	}
	h.rekey.Exchanged() // RekeyLimit's time starts again
	var err error
	if rekey && bytes.Equal(h.accepted, key.Marshal()) {
		h.c.Log.Debug1("Server host key: %s %s", key.Type(), h.c.fingerprint(key))
		h.c.Log.Debug2("verify_host_key: server host key %s %s matches cached key", keyTypeName(key), h.c.fingerprint(key))
	} else if err = h.check(hostname, remote, key); err == nil {
		h.accepted = key.Marshal()
	}
	if err == nil && rekey && h.kex != nil {
		h.kex.rekeyAccepted()
	}
	return err
}

// check judges a key the first time it is seen.
func (h *hostKeyCheck) check(_ string, remote net.Addr, key ssh.PublicKey) error {
	log := h.c.Log
	if h.onFirst != nil {
		h.onFirst()
	}
	log.Debug1("Server host key: %s %s", key.Type(), h.c.fingerprint(key))
	if err := h.checkPolicy(key); err != nil {
		return err
	}
	if h.checkDNS(key) {
		// As in OpenSSH, a key DNS proved lets an UpdateHostKeys asked
		// for write known_hosts (its default is off with VerifyHostKeyDNS).
		h.trusted = true
		return nil
	}
	if h.c.Opts.NoHostAuthenticationForLocalhost && h.c.Opts.HostKeyAlias == "" && isLoopback(h.ip) {
		log.Debug1("Forcing accepting of host key for loopback/localhost.")
		return nil
	}
	for _, f := range h.knownHostsFiles() {
		log.Debug3("hostkeys_foreach: reading file \"%s\"", f)
	}
	db, err := knownhosts.Open(h.knownHostsFiles()...)
	if err != nil {
		log.Error("%v", err)
		return errHostKey
	}
	for _, w := range db.Warnings {
		log.Debug1("%s", w)
	}
	// KnownHostsCommand adds to the files, after them (ssh_config(5)).
	more, err := h.knownHostsCommand("HOSTNAME", key)
	if err != nil {
		return err
	}
	db.Entries = append(db.Entries, more...)
	// The address is looked up for the key as presented: never for a
	// certificate, even one judged by its plain key below.
	ip := ""
	if h.checksIP(key) {
		ip = h.ipName()
		if more, err = h.knownHostsCommand("ADDRESS", key); err != nil {
			return err
		}
		db.Entries = append(db.Entries, more...)
	}
	if cert, ok := key.(*ssh.Certificate); ok {
		if db.IsHostAuthority(cert.SignatureKey, h.name, h.port) {
			checker := &ssh.CertChecker{
				IsHostAuthority: func(auth ssh.PublicKey, _ string) bool {
					return db.IsHostAuthority(auth, h.name, h.port)
				},
			}
			check := func() error { return checker.CheckHostKey(net.JoinHostPort(h.name, fmt.Sprint(h.port)), remote, key) }
			if len(cert.ValidPrincipals) == 0 {
				// Valid for any host, as OpenSSH's client takes it.
				check = func() error { return keys.CheckUnboundHostCert(cert, time.Now()) }
			}
			if err := check(); err != nil {
				log.Error(msgCertInvalid, err)
				return errHostKey
			}
			if configfmt.MatchList(cert.Signature.Format, h.c.Opts.CASignatureList(), false) != 1 {
				log.Error("%s", msgCertSigAlgo)
				return errHostKey
			}
			log.Debug1("Host '%s' is known and matches the %s host certificate.", h.pattern(), keyTypeName(cert.Key))
			return nil
		}
		// As OpenSSH: a certificate from an unknown authority is judged
		// by its plain key.
		log.Debug1("No matching CA found. Retry with plain key")
		key = cert.Key
	}
	res := db.Check(h.name, h.port, key)
	o := h.c.Opts
	if ip != "" && o.Port != 22 && o.HostKeyAlias == "" && strings.EqualFold(o.HostName, h.ip) &&
		db.CheckExact(h.name, h.port, key).Status == knownhosts.Unknown {
		// OpenSSH looks the host up again without the port, where the
		// name given is the address itself: that turns CheckHostIP off
		// for the rest of the connection.
		h.noIP, ip = true, ""
	}
	var ipSt knownhosts.Result
	if ip != "" {
		ipSt = ipStatus(db, ip, key)
	}
	switch res.Status {
	case knownhosts.Known:
		log.Debug1("Host '%s' is known and matches the %s host key.", h.pattern(), keyTypeName(key))
		// Listed under this very name and port (not found through the
		// port-less line): OpenSSH adds the address when it is not
		// listed, and shows VisualHostKey's picture only otherwise.
		exact := res.Entry != nil && res.Entry.Matches(h.pattern())
		if exact && ip != "" && ipSt.Status == knownhosts.Unknown {
			h.addIP(ip, key)
		} else if o.VisualHostKey {
			log.Info(msgVisualHostKey, h.c.fingerprint(key), keys.Randomart(key, o.FingerprintHash))
		}
		if res.Entry != nil {
			log.Debug3("record_hostkey: found key type %s in file %s:%d", keyTypeName(key), res.Entry.File, res.Entry.Line)
			log.Debug1("Found key in %s:%d", res.Entry.File, res.Entry.Line)
		}
		var matching *knownhosts.Entry
		if exact {
			matching = res.Entry
		}
		if err := h.checkIP(ip, ipSt, key, matching); err != nil {
			return err
		}
		// A key found only through the port-less line does not let
		// UpdateHostKeys write, as in OpenSSH.
		h.trusted = exact && h.isUserFile(res.Entry.File)
		return nil
	case knownhosts.Revoked:
		file, line := "", 0
		if res.Entry != nil {
			file, line = res.Entry.File, res.Entry.Line
		}
		log.Error(msgHostKeyRevoked, keyTypeName(key), h.c.fingerprint(key), file, line)
		return errHostKey
	case knownhosts.Changed:
		return h.changed(key, res.Entry)
	}
	if ip != "" && ipSt.Status == knownhosts.Unknown {
		h.addWithIP = ip
	}
	if err := h.unknown(key); err != nil {
		return err
	}
	return h.checkIP(ip, ipSt, key, nil)
}

// checkPolicy applies, before any known_hosts file is read and as
// OpenSSH's verify_host_key does, RequiredRSASize (a short RSA key ends the
// connection) and RevokedHostKeys (a listed key, a certificate whose key
// or CA is listed or, in a KRL, whose serial or ID is; an unreadable or
// malformed file refuses every key, so that a broken list never lets a
// revoked key through).
func (h *hostKeyCheck) checkPolicy(key ssh.PublicKey) error {
	o, log := h.c.Opts, h.c.Log
	if keys.RSATooShort(key, o.RequiredRSASize) {
		return fatalf("%s", msgBadHostKeyLength)
	}
	if o.RevokedHostKeys == "" {
		return nil
	}
	fp := h.c.fingerprint(key)
	revoked, err := krl.ReadRevocations(o.RevokedHostKeys)
	if err != nil {
		log.Error(msgRevokedHostKeysErr, keyTypeName(key), fp, o.RevokedHostKeys, errtext.Reason(err))
		return errHostKey
	}
	if krl.RevokedBy(revoked, key) != nil {
		log.Error(msgHostKeyRevokedBy, keyTypeName(key), fp, o.RevokedHostKeys)
		return errHostKey
	}
	return nil
}

// visual is the key's randomart and a newline under VisualHostKey, for
// the first-connection question; else nothing.
func (h *hostKeyCheck) visual(key ssh.PublicKey) string {
	if !h.c.Opts.VisualHostKey {
		return ""
	}
	return keys.Randomart(key, h.c.Opts.FingerprintHash) + "\n"
}

// isLoopback: ip is a loopback address (NoHostAuthenticationForLocalhost;
// "" when connected through a proxy or a jump host, which is not).
func isLoopback(ip string) bool {
	a := net.ParseIP(ip)
	return a != nil && a.IsLoopback()
}

// ipName is the address as known_hosts lists it ("addr" or "[addr]:port",
// the port being the one connected to, whatever HostKeyAlias says) when
// CheckHostIP applies, else "". As in OpenSSH it does not apply to a
// loopback address, through a proxy or jump host (no address), or when
// the host was given as that very address.
func (h *hostKeyCheck) ipName() string {
	o := h.c.Opts
	if !o.CheckHostIP || h.noIP || h.ip == "" || isLoopback(h.ip) || proxied(o.ProxyJump) || proxied(o.ProxyCommand) {
		return ""
	}
	ip := knownhosts.HostPattern(h.ip, o.Port)
	if strings.EqualFold(o.HostName, ip) {
		return ""
	}
	return ip
}

// proxied: a ProxyJump or ProxyCommand is set (OpenSSH's ProxyJump is a
// ProxyCommand too, and with ProxyUseFdpass the socket it passes is not
// what ssh connected to).
func proxied(v string) bool { return v != "" && v != "none" }

// checksIP: CheckHostIP looks the address up too, except for a
// certificate.
func (h *hostKeyCheck) checksIP(key ssh.PublicKey) bool {
	_, isCert := key.(*ssh.Certificate)
	return !isCert && h.ipName() != ""
}

// ipStatus judges the key against the address's lines as OpenSSH's
// check_host_key does: Known when one holds it, Changed when any other
// key is listed for the address (of whatever type), Revoked when it is
// marked so; with it, the line that decided.
func ipStatus(db *knownhosts.DB, ip string, key ssh.PublicKey) knownhosts.Result {
	blob := key.Marshal()
	r := knownhosts.Result{Status: knownhosts.Unknown}
	for _, e := range db.Entries {
		if e.Marker != knownhosts.MarkerNone || !e.Matches(ip) {
			continue
		}
		if bytes.Equal(e.Key.Marshal(), blob) {
			r = knownhosts.Result{Status: knownhosts.Known, Entry: e}
			break
		}
		r = knownhosts.Result{Status: knownhosts.Changed, Entry: e}
	}
	for _, e := range db.Entries {
		if e.Marker == knownhosts.MarkerRevoked && bytes.Equal(e.Key.Marshal(), blob) && e.Matches(ip) {
			return knownhosts.Result{Status: knownhosts.Revoked}
		}
	}
	return r
}

// checkIP does, with CheckHostIP, what OpenSSH does once the host's own
// lines have accepted the key (hostOK: listed; else just added): an
// address that holds a different key is shown (and asked about, or
// refused, per StrictHostKeyChecking); it returns an error when the
// connection must end.
func (h *hostKeyCheck) checkIP(ip string, st knownhosts.Result, key ssh.PublicKey, host *knownhosts.Entry) error {
	if ip == "" || st.Status != knownhosts.Changed {
		return nil
	}
	msg := fmt.Sprintf(msgIPKeyDiffers, keyTypeName(key), h.pattern(), ip) +
		fmt.Sprintf("\nOffending key for IP in %s:%d", st.Entry.File, st.Entry.Line)
	if host != nil {
		msg += fmt.Sprintf("\nMatching host key in %s:%d", host.File, host.Line)
	}
	switch h.c.Opts.StrictHostKeyChecking {
	case "no", "off":
		h.c.Log.Info("%s", msg)
		return nil
	case "yes", "accept-new":
		h.c.Log.Info("%s", msg)
		h.c.Log.Error("%s", msgStrictExiting)
		return errHostKey
	}
	if !h.confirm(msg + "\n" + msgHostKeyAsk) {
		return errHostKey
	}
	return nil
}

// confirm asks prompt until the answer is yes or no, as OpenSSH's
// confirm(); no terminal (or BatchMode) is no.
func (h *hostKeyCheck) confirm(prompt string) bool {
	for {
		answer, err := h.c.Prompt.Line(prompt)
		if err != nil {
			if errors.Is(err, errNoTTY) {
				h.c.Log.Debug1("read_passphrase: can't open /dev/tty: No such device or address")
			}
			return false
		}
		switch answer {
		case "yes":
			return true
		case "no":
			return false
		}
		prompt = msgHostKeyAskAgain
	}
}

// addIP lists the address with the key in the first user file, for a host
// found known whose address is not (OpenSSH's add_host_to_hostfile of the
// address alone).
func (h *hostKeyCheck) addIP(ip string, key ssh.PublicKey) {
	o, log := h.c.Opts, h.c.Log
	if len(o.UserKnownHostsFiles) == 0 || o.UserKnownHostsFiles[0] == "none" {
		return
	}
	file := o.UserKnownHostsFiles[0]
	if err := appendLines(file, knownhosts.EntryLines(ip, "", key, o.HashKnownHosts)); err != nil {
		log.Info(msgIPKeyAddFailed, keyTypeName(key), ip, file)
		return
	}
	log.Info(msgIPKeyAdded, keyTypeName(key), ip)
}

// appendLines adds lines to a known_hosts file as knownhosts.AppendLines
// does; a device such as /dev/null takes them nowhere, as OpenSSH's
// append does, and is not replaced.
func appendLines(file string, lines []string) error {
	if st, err := os.Stat(file); err == nil && !st.Mode().IsRegular() {
		return nil
	}
	return knownhosts.AppendLines(file, lines)
}

func (h *hostKeyCheck) pattern() string { return knownhosts.HostPattern(h.name, h.port) }

func (h *hostKeyCheck) unknown(key ssh.PublicKey) error {
	o, log := h.c.Opts, h.c.Log
	switch o.StrictHostKeyChecking {
	case "yes":
		log.Error(msgHostKeyStrictNew, keyTypeName(key), h.pattern())
		return errHostKey
	case "no", "accept-new", "off":
		return h.add(key)
	}
	prompt := msgHostKeyNotFound +
		fmt.Sprintf(msgHostKeyFinger, keyTypeName(key), h.c.fingerprint(key)) +
		h.visual(key) + h.dnsNote() + msgHostKeyAsk
	if !h.confirm(prompt) {
		return errHostKey
	}
	// Only a key the user accepted lets UpdateHostKeys write (not one
	// StrictHostKeyChecking no or accept-new took in), as in OpenSSH.
	h.trusted = true
	return h.add(key)
}

// isUserFile reports whether file is one of the UserKnownHostsFiles.
func (h *hostKeyCheck) isUserFile(file string) bool {
	for _, f := range h.c.Opts.UserKnownHostsFiles {
		if f == file {
			return true
		}
	}
	return false
}

// add stores the key in the first user known_hosts file, as OpenSSH does.
func (h *hostKeyCheck) add(key ssh.PublicKey) error {
	o, log := h.c.Opts, h.c.Log
	if len(o.UserKnownHostsFiles) == 0 || o.UserKnownHostsFiles[0] == "none" {
		return nil
	}
	file := o.UserKnownHostsFiles[0]
	shown := h.pattern()
	if h.addWithIP != "" {
		// "host,address", or one hashed line each.
		shown += "," + h.addWithIP
	}
	if net.ParseIP(h.name) == nil && strings.ContainsAny(h.name, " \t,") {
		log.Error(msgHostKeyWriteError, file, fmt.Errorf("%s: invalid host name %q", file, h.name))
		return nil
	}
	// /dev/null and the like: OpenSSH's append goes nowhere; an atomic
	// rewrite must not replace the device.
	if err := appendLines(file, knownhosts.EntryLines(h.pattern(), h.addWithIP, key, o.HashKnownHosts)); err != nil {
		log.Error(msgHostKeyWriteError, file, err)
		return nil
	}
	log.Info(msgHostKeyAdded, shown, keyTypeName(key))
	return nil
}

// changed prints the banner and refuses, unless StrictHostKeyChecking=no,
// where OpenSSH proceeds but keeps passwords away from the impostor.
func (h *hostKeyCheck) changed(key ssh.PublicKey, old *knownhosts.Entry) error {
	o := h.c.Opts
	file, line, oldType := "", 0, keyTypeName(key)
	if old != nil {
		file, line = old.File, old.Line
		if old.Key != nil {
			oldType = keyTypeName(old.Key)
		}
	}
	addTo := file
	if len(o.UserKnownHostsFiles) > 0 {
		addTo = o.UserKnownHostsFiles[0]
	}
	banner := fmt.Sprintf(msgHostKeyChangedBanner, keyTypeName(key), h.c.fingerprint(key),
		addTo, oldType, file, line, removeCommand(file, h.pattern()), h.pattern())
	if o.StrictHostKeyChecking == "no" || o.StrictHostKeyChecking == "off" {
		banner = strings.TrimSuffix(banner, "Host key for "+h.pattern()+" has changed and you have requested strict checking.\n")
		h.c.Log.Error("%s", strings.TrimSuffix(banner, "\n"))
		h.insecure = true
		return h.disableForInsecure()
	}
	h.c.Log.Error("%s", strings.TrimSuffix(banner, "\n"))
	return errHostKey
}

// disableForInsecure turns off, as OpenSSH does, everything an impostor
// could abuse once a changed key was accepted under StrictHostKeyChecking
// no: password and keyboard-interactive authentication (see auth.go), agent
// forwarding, port forwarding (-L, -R, -D) and tunnel forwarding (-w),
// each announced only when it
// was on. With ExitOnForwardFailure, having cancelled anything is fatal.
func (h *hostKeyCheck) disableForInsecure() error {
	o := h.c.Opts
	cancelled := false
	if o.PasswordAuthentication {
		h.c.Log.Error("%s", msgPasswordDisabled)
		cancelled = true
	}
	if o.KbdInteractiveAuthentication {
		h.c.Log.Error("%s", msgKbdDisabled)
		cancelled = true
	}
	if o.ForwardAgent {
		h.c.Log.Error("%s", msgAgentFwdDisabled)
		o.ForwardAgent = false
		cancelled = true
	}
	if len(o.LocalForward)+len(o.RemoteForward)+len(o.DynamicForward) > 0 {
		h.c.Log.Error("%s", msgPortFwdDisabled)
		o.LocalForward, o.RemoteForward, o.DynamicForward = nil, nil, nil
		cancelled = true
	}
	if o.Tunnel != "false" && o.Tunnel != "" {
		h.c.Log.Error("%s", msgTunFwdDisabled)
		o.Tunnel = "false"
		cancelled = true
	}
	if o.ExitOnForwardFailure && cancelled {
		return fatalf("%s", msgFwdDisabledFatal)
	}
	return nil
}

// removeCommand is the exact command that removes the old entry; -f is only
// needed when the file is not the default one.
func removeCommand(file, pattern string) string {
	if file == filepath.Join(HomeDir(), ".ssh", "known_hosts") {
		return fmt.Sprintf("ssh-keygen -R '%s'", pattern)
	}
	return fmt.Sprintf("ssh-keygen -f '%s' -R '%s'", file, pattern)
}

// plainKeyType maps a host key algorithm to the key type known_hosts
// stores for it.
func plainKeyType(alg string) string {
	alg = strings.Replace(alg, "-cert-v01@openssh.com", "", 1)
	if strings.HasPrefix(alg, "rsa-sha2-") {
		return ssh.KeyAlgoRSA
	}
	return alg
}

// preferKnown puts first the algorithms whose key type is already known
// for the host, keeping the order otherwise, as OpenSSH does when
// HostKeyAlgorithms is not set: a server with several host keys then shows
// the one we know rather than triggering the first-connection question.
func preferKnown(algs []string, known []*knownhosts.Entry) []string {
	types := map[string]bool{}
	for _, e := range known {
		if e.Key != nil && e.Marker == knownhosts.MarkerNone {
			types[e.Key.Type()] = true
		}
	}
	if len(types) == 0 {
		return algs
	}
	var first, rest []string
	for _, a := range algs {
		if types[plainKeyType(a)] {
			first = append(first, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(first, rest...)
}

// knownEntries lists the entries for the host, for preferKnown, with
// KnownHostsCommand's ("ORDER" as OpenSSH calls it); only a failing
// command is an error.
func (h *hostKeyCheck) knownEntries() ([]*knownhosts.Entry, error) {
	db, err := knownhosts.Open(h.knownHostsFiles()...)
	if err != nil {
		db = &knownhosts.DB{}
	}
	more, err := h.knownHostsCommand("ORDER", nil)
	if err != nil {
		return nil, err
	}
	db.Entries = append(db.Entries, more...)
	return db.Lookup(h.name, h.port), nil
}
