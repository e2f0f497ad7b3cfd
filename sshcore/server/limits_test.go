package server

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
)

// dialUser starts an in-process server with opts and logs a fresh user in.
func dialUser(t *testing.T, opts func(*configfmt.ServerOptions)) (*ssh.Client, *testenv.SyncBuffer) {
	t.Helper()
	return dialUserWith(t, opts, nil)
}

// dialUserWith is dialUser with the Server's other fields set by setup.
func dialUserWith(t *testing.T, opts func(*configfmt.ServerOptions), setup func(*Server)) (*ssh.Client, *testenv.SyncBuffer) {
	t.Helper()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	addr, hk, log := startServerWith(t, func(m configfmt.MatchConn) (*configfmt.ServerOptions, error) {
		o := testOptions()
		if opts != nil {
			opts(o)
		}
		return o, nil
	}, setup)
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
	t.Cleanup(func() { c.Close() })
	return c, log
}

// TestEnvLimit: a session keeps at most maxEnvVars variables and
// maxEnvBytes of them; what is past the limit is refused, not kept.
func TestEnvLimit(t *testing.T) {
	c, _ := dialUser(t, func(o *configfmt.ServerOptions) { o.AcceptEnv = []string{"SBX_*"} })
	s, _ := c.NewSession()
	refused := 0
	for i := 0; i < maxEnvVars+50; i++ {
		if s.Setenv(fmt.Sprintf("SBX_%d", i), "v") != nil {
			refused++
		}
	}
	if refused != 50 {
		t.Errorf("%d env requests refused, want 50", refused)
	}
	out, err := s.Output("env | grep -c ^SBX_")
	if err != nil || strings.TrimSpace(string(out)) != fmt.Sprint(maxEnvVars) {
		t.Errorf("variables the command sees: %q %v", out, err)
	}

	s, _ = c.NewSession()
	big := strings.Repeat("x", maxEnvBytes/4)
	kept := 0
	for i := 0; i < 10; i++ {
		if s.Setenv(fmt.Sprintf("SBX_%d", i), big) == nil {
			kept++
		}
	}
	if kept != 3 {
		t.Errorf("%d variables of %d bytes kept, want 3", kept, len(big))
	}
	s.Close()
}

// TestChannelLimit: past maxChannels open channels a new one is refused
// for lack of resources; closing one frees its slot.
func TestChannelLimit(t *testing.T) {
	c, _ := dialUser(t, func(o *configfmt.ServerOptions) { o.MaxSessions = 1000 })
	var open []ssh.Channel
	for i := 0; i < maxChannels; i++ {
		ch, reqs, err := c.OpenChannel("session", nil)
		if err != nil {
			t.Fatalf("channel %d: %v", i, err)
		}
		go ssh.DiscardRequests(reqs)
		open = append(open, ch)
	}
	_, _, err := c.OpenChannel("session", nil)
	var oce *ssh.OpenChannelError
	if !errors.As(err, &oce) || oce.Reason != ssh.ResourceShortage {
		t.Fatalf("channel past the limit: %v", err)
	}
	open[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ch, _, err := c.OpenChannel("session", nil)
		if err == nil {
			ch.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slot not freed after close: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRefusalLogBudget floods 10,000 refused channel opens: the log gets
// logBudget lines of the refusal and one summary with the rest counted.
func TestRefusalLogBudget(t *testing.T) {
	c, log := dialUser(t, func(o *configfmt.ServerOptions) { o.MaxSessions = 0 })
	const n = 10000
	for i := 0; i < n; i++ {
		if _, _, err := c.OpenChannel("session", nil); err == nil {
			t.Fatal("session opened with MaxSessions 0")
		}
	}
	c.Close()
	deadline := time.Now().Add(10 * time.Second)
	// x/crypto's client closes without a disconnect message: OpenSSH's
	// last line for that is "Closing connection to".
	for !strings.Contains(log.String(), "Closing connection to ") {
		if time.Now().After(deadline) {
			t.Fatalf("no disconnect logged:\n%s", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The test server logs at debug1, where every channel open gets its
	// own debug line as in OpenSSH (the administrator asked for that); the
	// budget is about what is logged at the levels an sshd runs at.
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		if !strings.HasPrefix(l, "debug") {
			lines = append(lines, l)
		}
	}
	refusals, summaries := 0, 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "session: MaxSessions 0 reached"):
			refusals++
		case strings.HasPrefix(l, fmt.Sprintf("message repeated %d times: [ session: MaxSessions 0 reached", n-logBudget)):
			summaries++
		}
	}
	if refusals != logBudget || summaries != 1 || len(lines) > 30 {
		t.Fatalf("%d log lines, %d refusals, %d summaries:\n%s", len(lines), refusals, summaries, log.String())
	}
}
