package server

import (
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
)

// TestInheritEnv: sessions start from the server's InheritEnv (dropbear
// -e), and every variable sshd sets for a session is the session's: taken
// from the session, or absent when the session has none of what it names,
// never the server's.
func TestInheritEnv(t *testing.T) {
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	forged := []string{"USER", "LOGNAME", "HOME", "SHELL", "PATH", "MAIL", "TERM", "SSH_TTY",
		"SSH_AUTH_SOCK", "DISPLAY", "SSH_USER_AUTH", "SSH_CLIENT", "SSH_CONNECTION", "SSH_ORIGINAL_COMMAND"}
	inherit := []string{"SBX_FROM_SERVER=yes, with = signs", "LANG=C.UTF-8", "=nameless", "NOEQUALS"}
	for _, k := range forged {
		inherit = append(inherit, k+"=forged")
	}
	addr, hk, log := startServerWith(t, func(m configfmt.MatchConn) (*configfmt.ServerOptions, error) {
		return testOptions(), nil
	}, func(s *Server) { s.InheritEnv = inherit })
	data, _ := os.ReadFile(key)
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: u.Name, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(hk), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	defer c.Close()
	s, _ := c.NewSession()
	out, err := s.Output("env")
	if err != nil {
		t.Fatalf("env: %v", err)
	}
	env := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(l, "=")
		env[k] = v
	}
	if env["SBX_FROM_SERVER"] != "yes, with = signs" || env["LANG"] != "C.UTF-8" {
		t.Errorf("the server's variables are not passed on:\n%s", out)
	}
	if env["USER"] != u.Name || env["HOME"] != u.Home || !strings.HasPrefix(env["SSH_CONNECTION"], "127.0.0.1 ") {
		t.Errorf("the session's own variables lost to the server's:\n%s", out)
	}
	for _, k := range forged {
		if env[k] == "forged" {
			t.Errorf("%s is the server's, not the session's:\n%s", k, out)
		}
	}
	for _, k := range []string{"TERM", "SSH_TTY", "SSH_AUTH_SOCK", "DISPLAY", "SSH_ORIGINAL_COMMAND", "NOEQUALS", ""} {
		if _, ok := env[k]; ok {
			t.Errorf("%q is set in a session without what it names:\n%s", k, out)
		}
	}
}
