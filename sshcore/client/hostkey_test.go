package client

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/sshcore/loglevel"
)

// TestHostKeyRekey: the key accepted at the start of the connection is
// accepted again at a re-key without another notice or question, but a
// different key is judged afresh.
func TestHostKeyRekey(t *testing.T) {
	var out bytes.Buffer
	c := &Client{
		Opts: &configfmt.ClientOptions{StrictHostKeyChecking: "accept-new",
			UserKnownHostsFiles: []string{"/dev/null"}},
		Log:    NewLogger(&out, loglevel.Info),
		Prompt: &Prompter{Batch: true},
	}
	h := &hostKeyCheck{c: c, name: "example", port: 22}
	newKey := func() ssh.PublicKey {
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		k, _ := ssh.NewPublicKey(pub)
		return k
	}
	k1, k2 := newKey(), newKey()
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22}
	for i := 0; i < 2; i++ {
		if err := h.callback("example:22", addr, k1); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(out.String(), "Permanently added"); n != 1 {
		t.Errorf("notice shown %d times:\n%s", n, out.String())
	}
	c.Opts.StrictHostKeyChecking = "yes"
	if err := h.callback("example:22", addr, k2); err == nil {
		t.Error("a different key at re-key was accepted")
	}
}
