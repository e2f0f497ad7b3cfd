package client

import (
	"encoding/binary"
	"io"
	"os"
	"sync"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/bulkio"
)

// subsystemStarter is x/crypto's Session with the StartSubsystem that
// scripts/xcrypto adds (_xcrypto/ssh/subsystem_sshbox.go).
type subsystemStarter interface {
	StartSubsystem(name string) error
}

// subsystemOnPty: -s with -t (or RequestTTY) asks for a pty as OpenSSH
// does, and then the subsystem runs as a session does, with the pty's
// window changes, raw terminal and escape character (runSession). That
// needs x/crypto's Session to start a subsystem; a build without
// scripts/xcrypto runs it on a bare channel without the pty, and says so.
func (c *Client) subsystemOnPty(name string) bool {
	if !c.wantTTY(name) {
		return false
	}
	if _, ok := any(&ssh.Session{}).(subsystemStarter); !ok {
		c.Log.Info("%s", msgSubsystemNoPty)
		return false
	}
	return true
}

// runSubsystem is -s without a pty: the channel is driven directly (a
// plain x/crypto's Session cannot wait for a subsystem it did not start
// itself): stdin, stdout and stderr copied, the exit status taken from the
// server's request. X11, the agent and the environment are asked for
// first, as for a command (OpenSSH's ssh_session2_setup does the same for
// a subsystem).
func (c *Client) runSubsystem(conn *ssh.Client, name string) int {
	log := c.Log
	ch, reqs, err := conn.OpenChannel("session", nil)
	if err != nil {
		log.Fatal(msgSessionOpenFailed, err)
		return 255
	}
	defer ch.Close()
	c.requestNoMoreSessions(conn)
	status := make(chan int, 1)
	go func() {
		code := 255
		for r := range reqs {
			switch r.Type {
			case "exit-status":
				if len(r.Payload) >= 4 {
					code = int(binary.BigEndian.Uint32(r.Payload))
				}
			case "exit-signal":
				code = 255
			}
			if r.WantReply {
				r.Reply(false, nil)
			}
		}
		status <- code
	}()
	c.setQoS(c.prepareSession(conn, ch))
	log.Debug1("Sending subsystem: %s", name)
	log.Debug2("channel 0: request subsystem confirm 1")
	ok, err := ch.SendRequest("subsystem", true, ssh.Marshal(struct{ Name string }{name}))
	if err != nil || !ok {
		log.Fatal("%s", msgSubsystemFailed)
		return 255
	}
	var in io.Reader = eofReader{}
	restoreStdin := func() {}
	if !c.StdinNull {
		in, restoreStdin = c.stdinUntilExit()
	}
	defer restoreStdin()
	go func() {
		bulkio.Copy(ch, in)
		restoreStdin()
		ch.CloseWrite()
	}()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { bulkio.Copy(os.Stdout, ch); wg.Done() }()
	go func() { io.Copy(os.Stderr, ch.Stderr()); wg.Done() }()
	wg.Wait()
	code := <-status
	c.open.wait() // forwarded connections still open hold ssh (idle.go)
	return code
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
