package client

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	sshkeys "sshbox/sshcore/keys"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore"
	"sshbox/sshcore/algo"
	"sshbox/sshcore/knownhosts"
)

// UpdateHostKeys, the client's half (OpenSSH PROTOCOL §2.5, clientloop.c):
// a server that announces its host keys after authentication is asked to
// prove the ones known_hosts does not list, and once it has, known_hosts
// learns them and forgets the host's keys the server no longer has. Only
// when the key that authenticated the server came from the user's own
// known_hosts (or the user just accepted it): a key vouched for by a
// certificate authority, the global file or StrictHostKeyChecking=no over
// a changed key must not rewrite the user's file. With CheckHostIP the
// address's lines count as the host's too (knownhosts.PlanUpdate).

// hostKeyUpdater owns the connection's global requests: it takes the host
// key announcement and passes everything else on to x/crypto's handler.
type hostKeyUpdater struct {
	c    *Client
	conn ssh.Conn
	hk   *hostKeyCheck
	mode string // "yes" or "ask"

	out    chan *ssh.Request
	fence  chan chan struct{}
	exited chan struct{}
	seen   atomic.Bool // the announcement has come
	once   sync.Once
}

// watchHostKeys starts the updater on the server's global requests and
// returns the requests it does not consume. With UpdateHostKeys ask the
// announcement is dealt with before it returns, while the terminal is
// still the user's (no raw mode, nobody reading stdin).
func (c *Client) watchHostKeys(conn ssh.Conn, hk *hostKeyCheck, reqs <-chan *ssh.Request) <-chan *ssh.Request {
	o := c.Opts
	mode := o.UpdateHostKeys()
	if mode == "ask" && (o.BatchMode || c.Command != "") {
		// OpenSSH: no asking in batch mode, nor where a remote command
		// (or subsystem) owns the session.
		mode = "no"
	}
	if mode == "no" || hk.noUpdate || len(c.updatableFiles()) == 0 {
		return reqs
	}
	u := &hostKeyUpdater{c: c, conn: conn, hk: hk, mode: mode,
		out: make(chan *ssh.Request, 16), fence: make(chan chan struct{}), exited: make(chan struct{})}
	go u.loop(reqs)
	c.hostKeys = u
	if mode == "ask" {
		u.settle()
	}
	return u.out
}

func (u *hostKeyUpdater) loop(reqs <-chan *ssh.Request) {
	defer close(u.exited)
	defer close(u.out)
	for {
		select {
		case r, ok := <-reqs:
			if !ok {
				return
			}
			u.dispatch(r)
		case done := <-u.fence:
			// Everything the server sent before answering the fence's
			// request is queued by now: take it all.
			for drained := false; !drained; {
				select {
				case r, ok := <-reqs:
					if !ok {
						close(done)
						return
					}
					u.dispatch(r)
				default:
					drained = true
				}
			}
			close(done)
		}
	}
}

func (u *hostKeyUpdater) dispatch(r *ssh.Request) {
	if r.Type != sshcore.ReqHostKeys {
		u.out <- r
		return
	}
	if u.seen.Load() {
		u.c.Log.Debug1("%s", msgHostKeysAgain)
		if r.WantReply {
			r.Reply(false, nil)
		}
		return
	}
	if err := u.update(r.Payload); err != nil {
		u.c.Log.Error("%v", err)
	}
	u.seen.Store(true)
	if r.WantReply {
		r.Reply(true, nil)
	}
}

// settle waits until an announcement the server made before now has been
// dealt with. The server answers requests in order, so once it has answered
// a keepalive sent now, its announcement (sent right after authentication)
// is queued, and the fence makes the loop take it.
func (u *hostKeyUpdater) settle() {
	u.once.Do(func() {
		if u.seen.Load() {
			return // dealt with already: nothing to wait for
		}
		if _, _, err := u.conn.SendRequest("keepalive@openssh.com", true, nil); err != nil {
			return
		}
		done := make(chan struct{})
		select {
		case u.fence <- done:
			<-done
		case <-u.exited:
		}
	})
}

// finishHostKeyUpdate lets an update in progress reach known_hosts before
// ssh closes the connection: a short command may end before the server's
// proof arrives.
func (c *Client) finishHostKeyUpdate() {
	if c.hostKeys != nil {
		c.hostKeys.settle()
	}
}

// updatableFiles are the user's known_hosts files that may be rewritten
// (not "none", not a device such as /dev/null).
func (c *Client) updatableFiles() []string {
	var out []string
	for _, f := range c.Opts.UserKnownHostsFiles {
		if f == "none" || f == "" {
			continue
		}
		if st, err := os.Stat(f); err == nil && !st.Mode().IsRegular() {
			continue
		}
		out = append(out, f)
	}
	return out
}

// update handles one announcement.
func (u *hostKeyUpdater) update(payload []byte) error {
	log := u.c.Log
	keys, err := u.announcedKeys(payload)
	if err != nil || len(keys) == 0 {
		return err
	}
	files := u.c.updatableFiles()
	// The names looked up, said as OpenSSH's get_hostfile_hostname_ipaddr
	// says them.
	ip := u.hk.ipName()
	if ip != "" {
		u.hk.putHostPort(u.hk.ip, u.c.Opts.Port)
	}
	u.hk.hostfileName(u.c.Opts.Port)
	plan, err := knownhosts.PlanUpdate(files, u.hk.pattern(), ip, keys, log.Logf)
	if err != nil {
		return fmt.Errorf("client_input_hostkeys: %v", err)
	}
	switch {
	case plan.Empty():
		log.Debug1("client_input_hostkeys: no new or deprecated keys from server")
		return nil
	case plan.Skip != "":
		log.Debug1("client_input_hostkeys: %s", plan.SkipMessage())
		return nil
	}
	var dropped []ssh.PublicKey
	if len(plan.New) > 0 {
		log.Debug3("client_input_hostkeys: asking server to prove ownership for %d keys", len(plan.New))
		proven, err := u.prove(plan.New, keys)
		if err != nil {
			return err
		}
		for _, k := range plan.New {
			if indexOf(proven, k) < 0 {
				dropped = append(dropped, k)
			}
		}
		plan.New = proven
	}
	return u.apply(plan, dropped, files)
}

// announcedKeys parses the announcement, keeping the keys sshbox could
// use as this host's key: types it cannot parse, algorithms
// HostKeyAlgorithms does not list, then certificates are skipped; a
// repeated key spoils the lot.
func (u *hostKeyUpdater) announcedKeys(payload []byte) ([]ssh.PublicKey, error) {
	log := u.c.Log
	blobs, err := sshcore.SplitStrings(payload)
	if err != nil {
		return nil, fmt.Errorf("client_input_hostkeys: %v", err)
	}
	algs, _ := u.c.algorithms()
	var keys []ssh.PublicKey
	for _, b := range blobs {
		k, err := sshkeys.ParsePublicKey(b)
		if err != nil {
			log.Debug1("client_input_hostkeys: parse key: %v", err)
			continue
		}
		log.Debug3("client_input_hostkeys: received %s key %s", keyTypeName(k), u.c.fingerprint(k))
		// HostKeyAlgorithms first, as OpenSSH: a certificate whose
		// algorithm is not listed is "not permitted", not "skipped".
		if !hostKeyAlgAccepted(k, algs[3]) {
			log.Debug3("client_input_hostkeys: %s key not permitted by HostkeyAlgorithms", k.Type())
			continue
		}
		if _, isCert := k.(*ssh.Certificate); isCert {
			log.Debug3("client_input_hostkeys: %s key is a certificate; skipping", k.Type())
			continue
		}
		for _, prev := range keys {
			if bytes.Equal(prev.Marshal(), b) {
				return nil, fmt.Errorf(msgHostKeyDuplicate, keyTypeName(k))
			}
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		log.Debug1("client_input_hostkeys: server sent no hostkeys")
	}
	return keys, nil
}

// hostKeyAlgAccepted is OpenSSH's key_accepted_by_hostkeyalgs: the key's
// own algorithm name must be listed (a certificate's is its certificate
// algorithm: ssh-rsa-cert-v01@openssh.com is not in the default list), and
// a plain RSA key is taken under rsa-sha2-256 or rsa-sha2-512 too.
func hostKeyAlgAccepted(k ssh.PublicKey, allowed []string) bool {
	for _, a := range allowed {
		if a == k.Type() || k.Type() == ssh.KeyAlgoRSA && (a == ssh.KeyAlgoRSASHA256 || a == ssh.KeyAlgoRSASHA512) {
			return true
		}
	}
	return false
}

// prove asks the server to sign with the new keys and checks every
// signature against this session's identifier. An RSA key must sign with
// the RSA algorithm of the key exchange when that was one, else with
// rsa-sha2-256/512 (a SHA-1 proof is disregarded, as OpenSSH does, and the
// key not learned).
func (u *hostKeyUpdater) prove(keys, announced []ssh.PublicKey) ([]ssh.PublicKey, error) {
	blobs := make([][]byte, len(keys))
	for i, k := range keys {
		blobs[i] = k.Marshal()
	}
	ok, resp, err := u.conn.SendRequest(sshcore.ReqHostKeysProve, true, sshcore.JoinStrings(blobs))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New(msgHostKeysProveFailed)
	}
	sigs, err := sshcore.SplitStrings(resp)
	if err != nil || len(sigs) != len(keys) {
		return nil, fmt.Errorf("client_global_hostkeys_prove_confirm: %d signatures for %d keys", len(sigs), len(keys))
	}
	negotiated := ""
	if am, ok := u.conn.(ssh.AlgorithmsConnMetadata); ok {
		negotiated = algo.Underlying(am.Algorithms().HostKey)
	}
	rsaKex := ""
	if plainKeyType(negotiated) == ssh.KeyAlgoRSA {
		rsaKex = negotiated
	}
	sid := u.conn.SessionID()
	var proven []ssh.PublicKey
	for i, k := range keys {
		// Messages number the key as OpenSSH does: its place among all
		// the keys announced.
		n := indexOf(announced, k)
		var sig ssh.Signature
		if err := ssh.Unmarshal(sigs[i], &sig); err != nil {
			return nil, fmt.Errorf(msgHostKeyBadSig, keyTypeName(k), n)
		}
		if k.Type() == ssh.KeyAlgoRSA && rsaKex == "" && sig.Format != ssh.KeyAlgoRSASHA512 && sig.Format != ssh.KeyAlgoRSASHA256 {
			u.c.Log.Debug1("client_global_hostkeys_prove_confirm: server used untrusted RSA signature algorithm %s for key %d, disregarding", sig.Format, n)
			continue
		}
		u.c.Log.Debug3("client_global_hostkeys_prove_confirm: verify %s key %d using sigalg %s", keyTypeName(k), n, sig.Format)
		if k.Type() == ssh.KeyAlgoRSA && rsaKex != "" && sig.Format != rsaKex {
			return nil, fmt.Errorf(msgHostKeyBadSig, keyTypeName(k), n)
		}
		if err := k.Verify(sshcore.HostKeyProofData(sid, blobs[i]), &sig); err != nil {
			return nil, fmt.Errorf(msgHostKeyBadSig, keyTypeName(k), n)
		}
		proven = append(proven, k)
	}
	return proven, nil
}

// apply tells the user what changes (asking first with UpdateHostKeys
// ask) and rewrites the files: keys are added to the first file only, the
// host's stale lines leave every file.
func (u *hostKeyUpdater) apply(plan *knownhosts.HostKeyUpdate, dropped []ssh.PublicKey, files []string) error {
	log := u.c.Log
	say := log.Verbose
	if u.mode == "ask" {
		say = log.Info
	}
	first := true
	preamble := func() {
		if first && u.mode == "ask" {
			say("%s", msgHostKeysPreamble1)
			say("%s", msgHostKeysPreamble2)
		}
		first = false
	}
	var keep []ssh.PublicKey
	for _, k := range plan.Keys {
		if indexOf(dropped, k) < 0 {
			keep = append(keep, k)
		}
	}
	for _, k := range plan.New {
		preamble()
		say(msgHostKeyLearned, keyTypeName(k), u.c.fingerprint(k))
	}
	for _, e := range plan.Old {
		preamble()
		say(msgHostKeyDeprecated, keyTypeName(e.Key), u.c.fingerprint(e.Key))
	}
	if u.mode == "ask" && !u.confirm() {
		return nil
	}
	for i, f := range files {
		if _, err := os.Stat(f); err != nil {
			log.Debug1("update_known_hosts: known hosts file %s does not exist", f)
			continue
		}
		var add []ssh.PublicKey
		if i == 0 {
			add = keep
		}
		err := knownhosts.ReplaceHostKeys(f, plan.Name, plan.IP, add, u.c.Opts.HashKnownHosts, u.c.fingerprint, log.Logf)
		if err != nil {
			log.Error("update_known_hosts: hostfile_replace_entries failed for %s: %v", f, err)
		}
	}
	return nil
}

// confirm asks "Accept updated hostkeys?" up to three times; only yes
// (in any case) accepts.
func (u *hostKeyUpdater) confirm() bool {
	for i := 0; i < 3; i++ {
		answer, err := u.c.Prompt.Line(msgHostKeysAccept)
		if err != nil {
			return false
		}
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "yes":
			return true
		case "no":
			return false
		}
		u.c.Log.Info("%s", msgHostKeysYesNo)
	}
	return false
}

func indexOf(keys []ssh.PublicKey, k ssh.PublicKey) int {
	for i, c := range keys {
		if bytes.Equal(c.Marshal(), k.Marshal()) {
			return i
		}
	}
	return -1
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
