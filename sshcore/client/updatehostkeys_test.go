package client

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
	"sshbox/sshcore"
	"sshbox/sshcore/knownhosts"
	"sshbox/sshcore/loglevel"
)

// proofServer is a server that announces a known and a new host key and
// answers the proof request through prove; it lets the tests show the
// client what no honest server sends.
func proofServer(t *testing.T, known, extra ssh.Signer, prove func(sid []byte, req *ssh.Request)) string {
	t.Helper()
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(known)
	return listenSSH(t, cfg, func(sc *ssh.ServerConn, chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request) {
		defer sc.Close()
		go func() {
			for nch := range chans {
				nch.Reject(ssh.Prohibited, "")
			}
		}()
		sc.SendRequest(sshcore.ReqHostKeys, false, sshcore.JoinStrings([][]byte{
			known.PublicKey().Marshal(), extra.PublicKey().Marshal()}))
		for r := range reqs {
			if r.Type == sshcore.ReqHostKeysProve {
				prove(sc.SessionID(), r)
				continue
			}
			r.Reply(false, nil)
		}
	})
}

// listenSSH serves SSH on a loopback port for a test: each connection's
// handshake under cfg, then serve with what it brings (a failed handshake
// closes the connection). It returns the address.
func listenSSH(t *testing.T, cfg *ssh.ServerConfig, serve func(sc *ssh.ServerConn, chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request)) string {
	t.Helper()
	return testenv.ServeSSH(t, cfg, serve).Addr().String()
}

func newSigner(t *testing.T) ssh.Signer {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// connectUpdating connects sshbox's client with UpdateHostKeys yes, the
// user known_hosts kh and the global one global, and waits for the update.
func connectUpdating(t *testing.T, addr, kh, global string) string {
	t.Helper()
	host, portStr, _ := net.SplitHostPort(addr)
	o, err := configfmt.LoadClient(nil, []string{"UserKnownHostsFile=" + kh, "GlobalKnownHostsFile=" + global,
		"UpdateHostKeys=yes", "BatchMode=yes", "Port=" + portStr, "PreferredAuthentications=none"}, host, "u")
	if err != nil {
		t.Fatal(err)
	}
	// The server's global requests are logged as they arrive, by the
	// goroutine that passes them on, while this test reads the log.
	var log syncBuffer
	c := &Client{Opts: o, Log: NewLogger(&log, loglevel.Debug3), Prompt: &Prompter{Batch: true}}
	conn, err := c.Connect()
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, log.String())
	}
	c.finishHostKeyUpdate()
	conn.Close()
	return log.String()
}

// TestUpdateHostKeysProof: a correct proof teaches known_hosts the new key;
// a signature over another session, by another key (named, as OpenSSH
// names it, by its place among the keys announced), a SHA-1 RSA proof
// shape or a refused proof teaches nothing and leaves the file
// byte-identical.
func TestUpdateHostKeysProof(t *testing.T) {
	known, extra, stranger := newSigner(t), newSigner(t), newSigner(t)
	sign := func(s ssh.Signer, data []byte) []byte {
		sig, err := s.Sign(rand.Reader, data)
		if err != nil {
			t.Fatal(err)
		}
		return sshcore.JoinStrings([][]byte{ssh.Marshal(sig)})
	}
	cases := []struct {
		name  string
		prove func(sid []byte, r *ssh.Request)
		learn bool
		log   string
	}{
		{"good proof", func(sid []byte, r *ssh.Request) {
			r.Reply(true, sign(extra, sshcore.HostKeyProofData(sid, extra.PublicKey().Marshal())))
		}, true, "Learned new hostkey: ED25519 " + ssh.FingerprintSHA256(extra.PublicKey())},
		{"other session", func(sid []byte, r *ssh.Request) {
			r.Reply(true, sign(extra, sshcore.HostKeyProofData(append([]byte{1}, sid...), extra.PublicKey().Marshal())))
		}, false, "server gave bad signature for ED25519 key 1"},
		{"other key", func(sid []byte, r *ssh.Request) {
			r.Reply(true, sign(stranger, sshcore.HostKeyProofData(sid, extra.PublicKey().Marshal())))
		}, false, "server gave bad signature for ED25519 key 1"},
		{"no signature", func(sid []byte, r *ssh.Request) {
			r.Reply(true, nil)
		}, false, "0 signatures for 1 keys"},
		{"refused", func(sid []byte, r *ssh.Request) {
			r.Reply(false, nil)
		}, false, "Server failed to confirm ownership of private host keys"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := proofServer(t, known, extra, tc.prove)
			host, portStr, _ := net.SplitHostPort(addr)
			port, _ := strconv.Atoi(portStr)
			kh := filepath.Join(t.TempDir(), "known_hosts")
			before := "# keep me\n" + knownhosts.FormatLine(host, port, known.PublicKey(), false) + "\nother " +
				strings.TrimSpace(string(ssh.MarshalAuthorizedKey(stranger.PublicKey()))) + "\n"
			if err := os.WriteFile(kh, []byte(before), 0o600); err != nil {
				t.Fatal(err)
			}
			log := connectUpdating(t, addr, kh, "/dev/null")
			after, _ := os.ReadFile(kh)
			if !strings.Contains(log, tc.log) {
				t.Errorf("log lacks %q:\n%s", tc.log, log)
			}
			if !tc.learn {
				if string(after) != before {
					t.Errorf("known_hosts changed:\n%s", after)
				}
				return
			}
			want := before + knownhosts.FormatLine(host, port, extra.PublicKey(), false) + "\n"
			if string(after) != want {
				t.Errorf("known_hosts:\n%s\nwant:\n%s", after, want)
			}
		})
	}
}

// TestUpdateHostKeysOnlyFromUserFile: a server known only through the
// GlobalKnownHostsFile teaches nothing (the user's file is not created),
// as in OpenSSH.
func TestUpdateHostKeysOnlyFromUserFile(t *testing.T) {
	known, extra := newSigner(t), newSigner(t)
	var proved atomic.Bool
	addr := proofServer(t, known, extra, func(sid []byte, r *ssh.Request) {
		proved.Store(true)
		r.Reply(false, nil)
	})
	host, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	dir := t.TempDir()
	global := filepath.Join(dir, "global")
	os.WriteFile(global, []byte(knownhosts.FormatLine(host, port, known.PublicKey(), false)+"\n"), 0o644)
	user := filepath.Join(dir, "user")
	log := connectUpdating(t, addr, user, global)
	if _, err := os.Stat(user); !os.IsNotExist(err) || proved.Load() {
		t.Errorf("user file %v, proof asked %v\n%s", err, proved.Load(), log)
	}
	if !strings.Contains(log, "debug3: check_host_key: host key found in GlobalKnownHostsFile; disabling UpdateHostkeys") {
		t.Errorf("log:\n%s", log)
	}
}
