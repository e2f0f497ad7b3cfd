package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
	"sshbox/sshcore/loglevel"
	"sshbox/sshcore/passwd"
)

// TestPasswordRefusalsHashOnce: a wrong password for a known user, any
// password for an unknown user, and the right password of a user refused
// by DenyUsers each cost exactly one hash of the users' cost class: sshd
// adds no shortcut of its own to what sshcore/passwd equalises, so the
// time does not tell them apart. Hashes are counted (passwd.ObserveHashes),
// not timed.
func TestPasswordRefusalsHashOnce(t *testing.T) {
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
	var mu sync.Mutex
	var seen []string
	defer passwd.ObserveHashes(func(class string) { mu.Lock(); seen = append(seen, class); mu.Unlock() })()
	hashes := func() []string { mu.Lock(); defer mu.Unlock(); s := seen; seen = nil; return s }
	// attempt makes one connection with one password attempt and returns
	// the classes of the hashes the server computed for it.
	attempt := func(user, pw string) ([]string, error) {
		cfg := &ssh.ClientConfig{User: user, HostKeyCallback: ssh.FixedHostKey(hk.PublicKey()), Timeout: 30 * time.Second,
			Auth: []ssh.AuthMethod{ssh.Password(pw)}}
		c, err := ssh.Dial("tcp", l.Addr().String(), cfg)
		if err == nil {
			c.Close()
		}
		// The server has answered the attempt before the client sees
		// the result, so its hash is counted by now.
		return hashes(), err
	}
	// The right password first: the hash is what it should be.
	// mkpasswd's hash above: sha512-crypt with rounds=200000.
	want := []string{"$6$rounds=200000"}
	if got, err := attempt(known.Name, "right-one"); err != nil {
		t.Fatalf("right password: %v\n%s", err, log.String())
	} else if !slices.Equal(got, want) {
		t.Fatalf("right password: hashes %q, want %q", got, want)
	}
	for _, c := range []struct{ user, pw string }{{known.Name, "wrong"}, {"sbx-no-such-user-x", "wrong"}, {denied.Name, "right-one"}} {
		got, err := attempt(c.user, c.pw)
		if err == nil {
			t.Fatalf("%s logged in", c.user)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the server computed hashes %q, want exactly %q (a known user's)", c.user, got, want)
		}
	}
	if !strings.Contains(log.String(), "Failed password for invalid user sbx-no-such-user-x from 127.0.0.1") ||
		!strings.Contains(log.String(), "User "+denied.Name+" from 127.0.0.1 not allowed because listed in DenyUsers") {
		t.Fatalf("log:\n%s", log.String())
	}
}
