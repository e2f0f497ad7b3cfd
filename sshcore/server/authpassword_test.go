package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
	"sshbox/sshcore/loglevel"
)

// TestPasswordTimingEqual: a wrong password for a known user, any password
// for an unknown user, and the right password of a user refused by
// DenyUsers all take the time of one hash: sshd adds no shortcut of its
// own to what sshcore/passwd equalises.
func TestPasswordTimingEqual(t *testing.T) {
	known := testenv.NewUser(t, "")
	denied := testenv.NewUser(t, "")
	// A shadow file of our own, so that the dummy hash (the most common
	// scheme and cost in it) is this costly sha512-crypt too, whatever
	// other tests do to /etc/shadow meanwhile.
	hash, err := exec.Command(testenv.NeedCmd(t, "mkpasswd"), "-m", "sha512crypt", "-R", "200000", "right-one").Output()
	if err != nil {
		t.Fatal(err)
	}
	h := strings.TrimSpace(string(hash))
	shadow := filepath.Join(t.TempDir(), "shadow")
	os.WriteFile(shadow, []byte(known.Name+":"+h+":19000:0:99999:7:::\n"+denied.Name+":"+h+":19000:0:99999:7:::\n"), 0o600)

	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	hk, _ := ssh.NewSignerFromKey(priv)
	var log testenv.SyncBuffer
	srv := &Server{HostKeys: []ssh.Signer{hk}, Log: NewLogger(&log, loglevel.Debug1), ShadowFile: shadow,
		Config: func(m configfmt.MatchConn) (*configfmt.ServerOptions, error) {
			o := testOptions()
			o.PasswordAuthentication = true
			o.DenyUsers = []string{denied.Name}
			return o, nil
		}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- srv.Serve(l) }()
	defer func() {
		srv.Shutdown()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	}()
	// The time of a connection with one password attempt; the key
	// exchange is the same for all.
	attempt := func(user, pw string) time.Duration {

		cfg := &ssh.ClientConfig{User: user, HostKeyCallback: ssh.FixedHostKey(hk.PublicKey()), Timeout: 30 * time.Second,
			Auth: []ssh.AuthMethod{ssh.Password(pw)}}
		start := time.Now()
		c, err := ssh.Dial("tcp", l.Addr().String(), cfg)
		if err == nil {
			c.Close()
			t.Fatalf("%s logged in", user)
		}
		return time.Since(start)
	}
	// The right password once first: the hash is what it should be.
	cfg := &ssh.ClientConfig{User: known.Name, HostKeyCallback: ssh.FixedHostKey(hk.PublicKey()), Timeout: 30 * time.Second,
		Auth: []ssh.AuthMethod{ssh.Password("right-one")}}
	c, err := ssh.Dial("tcp", l.Addr().String(), cfg)
	if err != nil {
		t.Fatalf("right password: %v\n%s", err, log.String())
	}
	c.Close()
	// Interleaved rounds, and each case's fastest attempt: load on a
	// shared machine only ever adds time, so the minimum is what the
	// server itself spends.
	cases := []struct{ user, pw string }{{known.Name, "wrong"}, {"sbx-no-such-user-x", "wrong"}, {denied.Name, "right-one"}}
	fastest := make([]time.Duration, len(cases))
	for round := 0; round < 5; round++ {
		for i, c := range cases {
			if d := attempt(c.user, c.pw); round == 0 || d < fastest[i] {
				fastest[i] = d
			}
		}
	}
	base := fastest[0]
	for i, c := range cases[1:] {
		if d := fastest[i+1]; d < base*6/10 || d > base*16/10 {
			t.Errorf("%s: %v, a known user with a wrong password %v", c.user, d, base)
		}
	}
	if !strings.Contains(log.String(), "Failed password for invalid user sbx-no-such-user-x from 127.0.0.1") ||
		!strings.Contains(log.String(), "User "+denied.Name+" from 127.0.0.1 not allowed because listed in DenyUsers") {
		t.Fatalf("log:\n%s", log.String())
	}
}
