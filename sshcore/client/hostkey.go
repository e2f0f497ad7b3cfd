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
	// noUpdate: the check turned UpdateHostKeys off, as OpenSSH's
	// check_host_key does unless the key was listed in a user
	// known_hosts file under this very name or accepted by the user.
	noUpdate bool
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
		// As in OpenSSH, a key DNS proved leaves UpdateHostKeys on when
		// asked for (its default is off with VerifyHostKeyDNS).
		return nil
	}
	if h.c.Opts.NoHostAuthenticationForLocalhost && h.c.Opts.HostKeyAlias == "" && isLoopback(h.ip) {
		log.Debug1("Forcing accepting of host key for loopback/localhost.")
		h.noUpdate = true
		return nil
	}
	return h.checkHostKey(remote, key, h.c.Opts.Port, false)
}

// checkHostKey is OpenSSH's check_host_key: the key is looked up under
// the host's name (HostKeyAlias, else the name with port unless 22) and,
// with CheckHostIP, under the address connected to. quiet is its second
// lookup, without the port, for a host not known with it: that one asks
// nothing, writes nothing and runs no KnownHostsCommand.
func (h *hostKeyCheck) checkHostKey(remote net.Addr, key ssh.PublicKey, port int, quiet bool) error {
	o, log := h.c.Opts, h.c.Log
	ip := h.hostfileIP(port)
	host := h.hostfileName(port)
	if o.CheckHostIP && !h.noIP && (ip == "" || isLoopback(h.ip) || strings.EqualFold(o.HostName, ip)) {
		// No address to compare, a loopback one, or the host given as
		// that very address: CheckHostIP is off for the rest of the
		// connection, as in OpenSSH.
		h.noIP = true
	}
	checkIP := o.CheckHostIP && !h.noIP
	name, namePort := h.name, port
	if o.HostKeyAlias != "" {
		namePort = h.port
	}
	for _, f := range h.knownHostsFiles() {
		// A file that is not there is skipped, and said so at -v as
		// OpenSSH's load_hostkeys says it: the usual reason a key is
		// not found where the user thinks it is stored.
		if fh, err := os.Open(f); err != nil {
			log.Debug1("load_hostkeys: fopen %s: %s", f, errtext.Reason(err))
		} else {
			fh.Close()
			log.Debug3("hostkeys_foreach: reading file \"%s\"", f)
		}
	}
	files, err := knownhosts.Open(h.knownHostsFiles()...)
	if err != nil {
		log.Error("%v", err)
		return errHostKey
	}
	for _, w := range files.Warnings {
		log.Debug1("%s", w)
	}
	files.Entries = append(files.Entries, h.ssh2HostKeyEntries()...)
	hostDB := &knownhosts.DB{Entries: files.Entries}
	_, isCert := key.(*ssh.Certificate)
	if !quiet {
		// KnownHostsCommand adds to the files, after them (ssh_config(5)).
		more, err := h.knownHostsCommand("HOSTNAME", host, key)
		if err != nil {
			return err
		}
		hostDB.Entries = append(append([]*knownhosts.Entry(nil), files.Entries...), more...)
	}
	// The address is looked up for the key as presented: never for a
	// certificate, even one judged by its plain key below.
	var ipDB *knownhosts.DB
	if !isCert && checkIP {
		ipDB = &knownhosts.DB{Entries: files.Entries}
		if !quiet {
			more, err := h.knownHostsCommand("ADDRESS", ip, key)
			if err != nil {
				return err
			}
			ipDB.Entries = append(append([]*knownhosts.Entry(nil), files.Entries...), more...)
		}
	}
	for {
		cert, wantCert := key.(*ssh.Certificate)
		var hostSt, ipSt knownhosts.Result
		if wantCert {
			// A certificate is known through its authority; as
			// OpenSSH, one from an unknown authority is then judged by
			// its plain key.
			if hostDB.IsHostAuthority(cert.SignatureKey, name, namePort) {
				hostSt = knownhosts.Result{Status: knownhosts.Known, Entry: authorityEntry(hostDB, cert.SignatureKey, name, namePort)}
			}
		} else {
			hostSt = hostDB.CheckExact(name, namePort, key)
		}
		// host_ip_differ: the key changed for the host, and the
		// address's lines do not hold the host's old key.
		differ := false
		if !wantCert && ipDB != nil {
			ipSt = ipStatus(ipDB, ip, key)
			differ = hostSt.Status == knownhosts.Changed && (ipSt.Status != knownhosts.Changed ||
				(ipSt.Entry != nil && hostSt.Entry != nil && !bytes.Equal(ipSt.Entry.Key.Marshal(), hostSt.Entry.Key.Marshal())))
		} else {
			ipSt = hostSt
		}
		// readonly: OpenSSH's RDONLY, nothing is added to the files:
		// the second lookup, no user file, a key KnownHostsCommand gave.
		readonly := quiet || len(o.UserKnownHostsFiles) == 0 || o.UserKnownHostsFiles[0] == "none" ||
			(hostSt.Entry != nil && hostSt.Entry.File == knownhostsCommandFile)
		trusted := false
		switch hostSt.Status {
		case knownhosts.Known:
			if wantCert {
				log.Debug1("Host '%s' is known and matches the %s host certificate.", host, keyTypeName(cert))
				if hostSt.Entry != nil {
					log.Debug1("Found CA key in %s:%d", hostSt.Entry.File, hostSt.Entry.Line)
				}
				if h.checkCert(cert, remote, hostDB, name, namePort) != nil {
					// As OpenSSH: judged by its plain key after all.
					goto fail
				}
				h.disableUpdate(3, "certificate host key in use")
			} else {
				log.Debug1("Host '%s' is known and matches the %s host key.", host, keyTypeName(key))
				log.Debug3("record_hostkey: found key type %s in file %s:%d", keyTypeName(key), hostSt.Entry.File, hostSt.Entry.Line)
				log.Debug1("Found key in %s:%d", hostSt.Entry.File, hostSt.Entry.Line)
				if h.isGlobalFile(hostSt.Entry.File) || (ipSt.Status == knownhosts.Known && ipSt.Entry != nil && h.isGlobalFile(ipSt.Entry.File)) {
					h.disableUpdate(3, "host key found in GlobalKnownHostsFile")
				}
				if hostSt.Entry.File == knownhostsCommandFile {
					h.disableUpdate(3, "host key found via KnownHostsCommand")
				}
				if isSSH2HostKeyFile(hostSt.Entry.File) {
					// Its other keys would go to known_hosts, not
					// beside it: the host's keys are the ssh2 file's.
					h.disableUpdate(3, "host key found in an ssh2 host key directory")
				}
			}
			if checkIP && ipSt.Status == knownhosts.Unknown {
				if readonly || wantCert {
					log.Info(msgIPKeyNotListed, keyTypeName(key), ip)
				} else {
					h.addIP(ip, key)
				}
			} else if o.VisualHostKey {
				log.Info(msgVisualHostKey, h.c.fingerprint(key), keys.Randomart(key, o.FingerprintHash))
			}
			trusted = true
		case knownhosts.Unknown:
			if o.HostKeyAlias == "" && port != 0 && port != 22 && !quiet {
				log.Debug1("checking without port identifier")
				if h.checkHostKey(remote, key, 0, true) == nil {
					log.Debug1("found matching key w/out port")
					break
				}
			}
			// Nowhere to add it (UserKnownHostsFile none), or the
			// second lookup, or a certificate: as OpenSSH, no question.
			if readonly || wantCert {
				goto fail
			}
			if checkIP && ipSt.Status == knownhosts.Unknown {
				h.addWithIP = ip
			}
			confirmed, err := h.unknown(key)
			if err != nil {
				return err
			}
			trusted = confirmed
		case knownhosts.Revoked:
			file, line := "", 0
			if hostSt.Entry != nil {
				file, line = hostSt.Entry.File, hostSt.Entry.Line
			}
			log.Error(msgHostKeyRevoked, keyTypeName(key), h.c.fingerprint(key), file, line)
			return errHostKey
		case knownhosts.Changed:
			if quiet {
				goto fail
			}
			if checkIP && differ {
				h.dnsSpoofing(key, host, ip, ipSt)
			}
			// Refused, or let through under StrictHostKeyChecking no
			// with UpdateHostKeys off: nothing more to check.
			return h.changed(key, hostSt.Entry)
		}
		if checkIP && hostSt.Status != knownhosts.Changed && ipSt.Status == knownhosts.Changed {
			var matching *knownhosts.Entry
			if hostSt.Status == knownhosts.Known {
				matching = hostSt.Entry
			}
			if err := h.checkIP(host, ip, ipSt, key, matching); err != nil {
				goto fail
			}
		}
		if !trusted {
			h.disableUpdate(1, "hostkey not known or explicitly trusted")
		}
		return nil
	fail:
		if wantCert && hostSt.Status != knownhosts.Revoked {
			log.Debug1("No matching CA found. Retry with plain key")
			key = cert.Key
			continue
		}
		return errHostKey
	}
}

// checkCert checks a certificate whose authority known_hosts lists for
// the host: validity, principals and CASignatureAlgorithms.
func (h *hostKeyCheck) checkCert(cert *ssh.Certificate, remote net.Addr, db *knownhosts.DB, name string, port int) error {
	checker := &ssh.CertChecker{
		IsHostAuthority: func(auth ssh.PublicKey, _ string) bool {
			return db.IsHostAuthority(auth, name, port)
		},
	}
	check := func() error { return checker.CheckHostKey(net.JoinHostPort(name, fmt.Sprint(port)), remote, cert) }
	if len(cert.ValidPrincipals) == 0 {
		// Valid for any host, as OpenSSH's client takes it.
		check = func() error { return keys.CheckUnboundHostCert(cert, time.Now()) }
	}
	if err := check(); err != nil {
		h.c.Log.Error(msgCertInvalid, err)
		return errHostKey
	}
	if configfmt.MatchList(cert.Signature.Format, h.c.Opts.CASignatureList(), false) != 1 {
		h.c.Log.Error("%s", msgCertSigAlgo)
		return errHostKey
	}
	return nil
}

// authorityEntry is the @cert-authority line that lists auth for the
// host, for "Found CA key in".
func authorityEntry(db *knownhosts.DB, auth ssh.PublicKey, name string, port int) *knownhosts.Entry {
	pattern, blob := knownhosts.HostPattern(name, port), auth.Marshal()
	for _, e := range db.Entries {
		if e.Marker == knownhosts.MarkerCertAuthority && bytes.Equal(e.Key.Marshal(), blob) && e.Matches(pattern) {
			return e
		}
	}
	return nil
}

// knownhostsCommandFile is the file name given to KnownHostsCommand's
// lines.
const knownhostsCommandFile = "KnownHostsCommand"

// updating reports whether UpdateHostKeys is still on as far as the host
// key check goes: OpenSSH turns ask off at the start where a remote
// command owns the session, and BatchMode only when the announcement
// comes.
func (h *hostKeyCheck) updating() bool {
	mode := h.c.Opts.UpdateHostKeys()
	if mode == "ask" && h.c.Command != "" {
		return false
	}
	return mode != "no" && !h.noUpdate
}

// disableUpdate turns UpdateHostKeys off for the connection, saying why
// at the level OpenSSH's check_host_key does, when it was on.
func (h *hostKeyCheck) disableUpdate(level int, why string) {
	if !h.updating() {
		return
	}
	h.noUpdate = true
	if level == 1 {
		h.c.Log.Debug1("check_host_key: %s: disabling UpdateHostkeys", why)
	} else {
		h.c.Log.Debug3("check_host_key: %s; disabling UpdateHostkeys", why)
	}
}

// isGlobalFile reports whether file is one of the GlobalKnownHostsFiles.
func (h *hostKeyCheck) isGlobalFile(file string) bool {
	for _, f := range h.c.Opts.GlobalKnownHostsFiles {
		if f == file {
			return true
		}
	}
	return false
}

// hostfileName is the host's name as known_hosts lists it for a lookup
// on port (0: without one), and says so as OpenSSH's
// get_hostfile_hostname_ipaddr does.
func (h *hostKeyCheck) hostfileName(port int) string {
	if a := h.c.Opts.HostKeyAlias; a != "" {
		h.c.Log.Debug1("using hostkeyalias: %s", a)
		return h.pattern()
	}
	return h.putHostPort(h.name, port)
}

// hostfileIP is the address connected to as known_hosts lists it for a
// lookup on port, or "" where there is none (a proxy or jump host).
func (h *hostKeyCheck) hostfileIP(port int) string {
	o := h.c.Opts
	if h.ip == "" || proxied(o.ProxyJump) || proxied(o.ProxyCommand) {
		return ""
	}
	return h.putHostPort(h.ip, port)
}

// putHostPort is OpenSSH's put_host_port: "[host]:port" (logged at
// debug3) unless the port is 22 or none.
func (h *hostKeyCheck) putHostPort(host string, port int) string {
	p := knownhosts.HostPattern(host, port)
	if port != 0 && port != 22 {
		h.c.Log.Debug3("put_host_port: %s", p)
	}
	return p
}

// dnsSpoofing shows, before the changed-key banner, that the address's
// lines do not back the host's old key (OpenSSH's POSSIBLE DNS SPOOFING
// DETECTED): its key is unknown, the new one, or yet another.
func (h *hostKeyCheck) dnsSpoofing(key ssh.PublicKey, host, ip string, ipSt knownhosts.Result) {
	what := msgDNSIPDifferent
	switch ipSt.Status {
	case knownhosts.Unknown:
		what = msgDNSIPUnknown
	case knownhosts.Known:
		what = msgDNSIPUnchanged
	}
	msg := fmt.Sprintf(msgDNSSpoofing, keyTypeName(key), host, ip, what)
	if ipSt.Status != knownhosts.Unknown && ipSt.Entry != nil {
		msg += fmt.Sprintf(msgDNSOffendingIP, ipSt.Entry.File, ipSt.Entry.Line, removeCommand(ipSt.Entry.File, ip))
	}
	h.c.Log.Error("%s", msg)
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
// loopback address, through a proxy or jump host (no address), when the
// host was given as that very address, or once the check turned it off.
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
func (h *hostKeyCheck) checkIP(name, ip string, st knownhosts.Result, key ssh.PublicKey, host *knownhosts.Entry) error {
	if ip == "" || st.Status != knownhosts.Changed {
		return nil
	}
	msg := fmt.Sprintf(msgIPKeyDiffers, keyTypeName(key), name, ip) +
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

// unknown deals with a host whose key is not listed, per
// StrictHostKeyChecking; confirmed says the user accepted the key, which
// (unlike StrictHostKeyChecking no or accept-new taking it in) lets
// UpdateHostKeys write, as in OpenSSH.
func (h *hostKeyCheck) unknown(key ssh.PublicKey) (confirmed bool, err error) {
	o, log := h.c.Opts, h.c.Log
	switch o.StrictHostKeyChecking {
	case "yes":
		log.Error(msgHostKeyStrictNew, keyTypeName(key), h.pattern())
		return false, errHostKey
	case "no", "accept-new", "off":
		return false, h.add(key)
	}
	prompt := msgHostKeyNotFound +
		fmt.Sprintf(msgHostKeyFinger, keyTypeName(key), h.c.fingerprint(key)) +
		h.visual(key) + h.dnsNote() + msgHostKeyAsk
	if !h.confirm(prompt) {
		return false, errHostKey
	}
	return true, h.add(key)
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
		h.c.Log.ErrorLines(banner)
		h.insecure = true
		return h.disableForInsecure()
	}
	h.c.Log.ErrorLines(banner)
	return errHostKey
}

// disableForInsecure turns off, as OpenSSH does, everything an impostor
// could abuse once a changed key was accepted under StrictHostKeyChecking
// no: password and keyboard-interactive authentication (see auth.go), agent
// forwarding, port forwarding (-L, -R, -D), tunnel forwarding (-w) and
// UpdateHostKeys, each announced only when it was on. With
// ExitOnForwardFailure, having cancelled a forwarding is fatal.
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
	if h.updating() {
		h.c.Log.Error("%s", msgUpdateUntrusted)
		h.noUpdate = true
	}
	if o.ExitOnForwardFailure && cancelled {
		return fatalf("%s", msgFwdDisabledFatal)
	}
	return nil
}

// removeCommand is the exact command that removes the old entry; -f is only
// needed when the file is not the default one.
func removeCommand(file, pattern string) string {
	if isSSH2HostKeyFile(file) {
		return fmt.Sprintf("rm '%s'", file)
	}
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
	h.hostfileName(h.c.Opts.Port)
	db, err := knownhosts.Open(h.knownHostsFiles()...)
	if err != nil {
		db = &knownhosts.DB{}
	}
	more, err := h.knownHostsCommand("ORDER", strings.ToLower(h.c.Opts.HostName), nil)
	if err != nil {
		return nil, err
	}
	db.Entries = append(db.Entries, more...)
	return db.Lookup(h.name, h.port), nil
}
