package client

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/sshcore/knownhosts"
	"sshbox/sshcore/loglevel"
)

// TestKnownHostsCommandLookups: the key comes from KnownHostsCommand's
// output alone; with CheckHostIP the address is looked up too (a second
// run, "ADDRESS"), which the loopback e2e tests cannot show, since OpenSSH
// and sshbox skip it for loopback addresses. A failing command or one
// that is not an absolute path refuses the key.
func TestKnownHostsCommandLookups(t *testing.T) {
	dir := t.TempDir()
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	key, _ := ssh.NewPublicKey(pub)
	line := knownhosts.FormatLine("example", 2222, key, false)
	if err := os.WriteFile(filepath.Join(dir, "kh"), []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "log")
	script := filepath.Join(dir, "kh.sh")
	os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >>"+log+"\ncat "+filepath.Join(dir, "kh")+"\n"), 0o755)
	check := func(command string) error {
		o, err := configfmt.LoadClient(nil, []string{"KnownHostsCommand " + command, "CheckHostIP yes",
			"UserKnownHostsFile /dev/null", "GlobalKnownHostsFile /dev/null", "StrictHostKeyChecking yes", "Port 2222"}, "example", "")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		c := &Client{Opts: o, Log: NewLogger(&out, loglevel.Info), Prompt: &Prompter{Batch: true}}
		h := &hostKeyCheck{c: c, name: "example", port: 2222, ip: "192.0.2.7"}
		return h.callback("example:2222", &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 2222}, key)
	}
	if err := check(script + " %I %H %t %h %p"); err != nil {
		t.Fatalf("key from the command refused: %v", err)
	}
	want := "HOSTNAME [example]:2222 ssh-ed25519 example 2222\nADDRESS [192.0.2.7]:2222 ssh-ed25519 example 2222\n"
	if got := string(readOrEmpty(log)); got != want {
		t.Errorf("invocations:\n%s\nwant:\n%s", got, want)
	}
	os.WriteFile(script, []byte("#!/bin/sh\nexit 1\n"), 0o755)
	if err := check(script); err == nil || !strings.Contains(err.Error(), "exited with status 1") {
		t.Errorf("failing command: %v", err)
	}
	if err := check("kh.sh"); err == nil || !strings.Contains(err.Error(), "not absolute") {
		t.Errorf("relative command: %v", err)
	}
}

func readOrEmpty(p string) []byte {
	b, _ := os.ReadFile(p)
	return b
}
