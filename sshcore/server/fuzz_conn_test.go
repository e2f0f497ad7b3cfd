package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
	"sshbox/sshcore/loglevel"
)

// The names the protocol fuzzer picks from: every channel type, channel
// request and global request sshd handles, and one it does not.
var (
	fuzzChanTypes = []string{"session", "direct-tcpip", "direct-streamlocal@openssh.com", "x11", "x-unknown"}
	fuzzChanReqs  = []string{"env", "pty-req", "window-change", "exec", "shell", "subsystem", "signal",
		"auth-agent-req@openssh.com", "x11-req", "break", "eow@openssh.com", "x-unknown"}
	fuzzGlobalReqs = []string{"tcpip-forward", "cancel-tcpip-forward", "streamlocal-forward@openssh.com",
		"cancel-streamlocal-forward@openssh.com", "keepalive@openssh.com", "no-more-sessions@openssh.com",
		"hostkeys-prove-00@openssh.com", "x-unknown"}
)

// fuzzOp is one step of a fuzzed conversation: op, a selector, a payload
// length, the payload.
func fuzzOp(op, sel byte, payload []byte) []byte {
	return append([]byte{op, sel, byte(len(payload))}, payload...)
}

func str(s string) []byte { return ssh.Marshal(struct{ S string }{s}) }

// FuzzServerConversation runs a real Server on an in-memory socket pair with an
// authenticated x/crypto client and plays the fuzzer's bytes as a sequence
// of channel opens, channel requests, global requests, data and closes,
// each with the fuzzer's payload. The server must not panic (a panic is
// logged as "fatal: panic serving"), must end the connection when the
// client leaves, must leave no goroutine behind, and serves the next
// connection (every iteration is the next connection of the same Server).
//
// The user's shell is /bin/false and the sftp server too, and forwarding
// is off (the payloads are still parsed first), so that fuzzed commands
// and addresses never run or connect anywhere.
func FuzzServerConversation(f *testing.F) {
	u := testenv.NewUser(f, "/bin/false")
	key := u.AuthorizeKey(f, "")
	data, _ := os.ReadFile(key)
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		f.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	hk, _ := ssh.NewSignerFromKey(priv)
	var log fuzzLog
	srv := &Server{
		Config: func(configfmt.MatchConn) (*configfmt.ServerOptions, error) {
			o := testOptions()
			// Forwarding off, both kinds: a fuzzed streamlocal-forward
			// would otherwise leave its socket behind (/tmp/sock from
			// the seeds, mutations of it from a fuzzing run).
			o.AllowTcpForwarding = "no"
			o.AllowStreamLocalForwarding = "no"
			o.AcceptEnv = []string{"*"}
			return o, nil
		},
		HostKeys:   []ssh.Signer{hk},
		Log:        NewLogger(&log, loglevel.Debug3),
		SftpServer: []string{"/bin/false"},
	}
	cfg := &ssh.ClientConfig{User: u.Name, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(hk.PublicKey())}

	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	modes := []byte{1, 0, 0, 0, 3, 53, 0, 0, 0, 0, 0}
	f.Add(fuzzOp(0, 0, nil))
	f.Add(append(fuzzOp(0, 0, nil), fuzzOp(1, 0, append(str("LANG"), str("C")...))...))
	f.Add(append(fuzzOp(0, 0, nil), fuzzOp(1, 1, append(append(str("xterm"), append(u32(80), append(u32(24), append(u32(0), u32(0)...)...)...)...), str(string(modes))...))...))
	f.Add(append(append(fuzzOp(0, 0, nil), fuzzOp(1, 1, append(str("vt100"), make([]byte, 20)...))...), fuzzOp(1, 2, append(u32(100), append(u32(40), make([]byte, 8)...)...))...))
	f.Add(append(fuzzOp(0, 0, nil), fuzzOp(1, 3, str("true"))...))
	f.Add(append(append(fuzzOp(0, 0, nil), fuzzOp(1, 3, str("x"))...), fuzzOp(1, 6, str("TERM"))...))
	f.Add(append(fuzzOp(0, 0, nil), fuzzOp(1, 5, str("sftp"))...))
	f.Add(append(append(fuzzOp(0, 0, nil), fuzzOp(1, 4, nil)...), fuzzOp(3, 0, []byte("data\n"))...))
	f.Add(fuzzOp(0, 1, append(str("127.0.0.1"), append(u32(22), append(str("127.0.0.1"), u32(1234)...)...)...)))
	f.Add(fuzzOp(0, 2, append(str("/tmp/sock"), append(str(""), u32(0)...)...)))
	f.Add(fuzzOp(2, 0, append(str("127.0.0.1"), u32(0)...)))
	f.Add(fuzzOp(2, 1, append(str("127.0.0.1"), u32(5555)...)))
	f.Add(fuzzOp(2, 2, str("/tmp/sock")))
	f.Add(append(fuzzOp(0, 0, nil), append(fuzzOp(4, 0, nil), fuzzOp(1, 0, nil)...)...))

	f.Fuzz(func(t *testing.T, in []byte) {
		base := runtime.NumGoroutine()
		sc, cc := socketPair(t)
		served := make(chan struct{})
		go func() { srv.ServeConn(sc); close(served) }()
		done := make(chan struct{})
		go func() {
			defer close(done)
			conn, chans, reqs, err := ssh.NewClientConn(cc, "pipe", cfg)
			if err != nil {
				t.Errorf("login: %v\n%s", err, log.take())
				return
			}
			client := ssh.NewClient(conn, chans, reqs)
			defer client.Close()
			playConversation(client, in)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("conversation hangs:\n%s", goroutines())
		}
		select {
		case <-served:
		case <-time.After(30 * time.Second):
			t.Fatalf("server does not end the connection after the client left:\n%s", goroutines())
		}
		if l := log.take(); strings.Contains(l, "fatal: panic serving") {
			t.Fatalf("panic:\n%s", l)
		}
		// Sessions end their goroutines after the channel closes; give
		// them the hang-up grace to go.
		deadline := time.Now().Add(hangupGrace + 5*time.Second)
		for runtime.NumGoroutine() > base {
			if time.Now().After(deadline) {
				t.Fatalf("%d goroutines before, %d after:\n%s", base, runtime.NumGoroutine(), goroutines())
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// playConversation interprets in as fuzzOp steps (at most 64).
func playConversation(client *ssh.Client, in []byte) {
	var chans []ssh.Channel
	for steps := 0; len(in) >= 3 && steps < 64; steps++ {
		op, sel, n := in[0]%5, int(in[1]), int(in[2])
		in = in[3:]
		n = min(n, len(in))
		payload := in[:n]
		in = in[n:]
		switch op {
		case 0:
			ch, reqs, err := client.OpenChannel(fuzzChanTypes[sel%len(fuzzChanTypes)], payload)
			if err == nil {
				go ssh.DiscardRequests(reqs)
				chans = append(chans, ch)
			}
		case 1:
			if len(chans) > 0 {
				chans[len(chans)-1].SendRequest(fuzzChanReqs[sel%len(fuzzChanReqs)], sel&0x80 == 0, payload)
			}
		case 2:
			client.SendRequest(fuzzGlobalReqs[sel%len(fuzzGlobalReqs)], sel&0x80 == 0, payload)
		case 3:
			if len(chans) > 0 {
				chans[len(chans)-1].Write(payload)
			}
		case 4:
			if len(chans) > 0 {
				chans[len(chans)-1].Close()
				chans = chans[:len(chans)-1]
			}
		}
	}
}

// socketPair is a connected pair of Unix stream sockets: an in-memory
// pipe like net.Pipe, but buffered as a network connection is (both SSH
// sides write their version line before reading, which deadlocks on an
// unbuffered net.Pipe).
func socketPair(t *testing.T) (net.Conn, net.Conn) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var conns [2]net.Conn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "socketpair")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	return conns[0], conns[1]
}

// fuzzLog is the server's log, emptied after each conversation.
type fuzzLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *fuzzLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// take returns the log so far and empties it.
func (l *fuzzLog) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.buf.String()
	l.buf.Reset()
	return s
}

func goroutines() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}
