package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
	"sshbox/sshcore/loglevel"
)

// FuzzKbdInteractiveAnswers: an unauthenticated client answers the
// keyboard-interactive password prompt with the fuzzer's answers (any
// number, any bytes). The server never panics, always ends the
// connection, and lets the client in exactly when the one answer is the
// password.
func FuzzKbdInteractiveAnswers(f *testing.F) {
	const password = "kbd-Fuzz-pw1"
	u := testenv.NewUser(f, "/bin/false")
	u.SetPassword(f, password, "SHA512")
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	hk, _ := ssh.NewSignerFromKey(priv)
	var log fuzzLog
	srv := &Server{
		Config: func(configfmt.MatchConn) (*configfmt.ServerOptions, error) {
			o := testOptions()
			o.KbdInteractiveAuthentication = true
			return o, nil
		},
		HostKeys: []ssh.Signer{hk},
		Log:      NewLogger(&log, loglevel.Debug3),
	}
	f.Add([]byte(password), false)
	f.Add([]byte("wrong"), false)
	f.Add([]byte(password+"\x00"+password), false)
	f.Add([]byte{}, true)
	f.Add([]byte("\xff\xfe\x00\n\r"), false)
	f.Fuzz(func(t *testing.T, in []byte, none bool) {
		var answers []string
		if !none {
			for _, a := range bytes.Split(in, []byte{0}) {
				answers = append(answers, string(a))
			}
		}
		cfg := &ssh.ClientConfig{User: u.Name, HostKeyCallback: ssh.FixedHostKey(hk.PublicKey()),
			Auth: []ssh.AuthMethod{ssh.KeyboardInteractive(func(name, instruction string, questions []string, echos []bool) ([]string, error) {
				return answers, nil
			})}}
		sc, cc := socketPair(t)
		served := make(chan struct{})
		go func() { srv.ServeConn(sc); close(served) }()
		conn, _, _, err := ssh.NewClientConn(cc, "pipe", cfg)
		if conn != nil {
			conn.Close()
		}
		cc.Close()
		select {
		case <-served:
		case <-time.After(30 * time.Second):
			t.Fatalf("server does not end the connection:\n%s", goroutines())
		}
		l := log.take()
		if strings.Contains(l, "fatal: panic serving") {
			t.Fatalf("panic:\n%s", l)
		}
		if want := len(answers) == 1 && answers[0] == password; (err == nil) != want {
			t.Fatalf("answers %q: login error %v\n%s", answers, err, l)
		}
	})
}
