package soak

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Target is one server and the account the soak logs into.
type Target struct {
	Addr    string
	User    string
	Key     ssh.Signer
	HostKey ssh.PublicKey // the server's key; any other is refused
}

// LoadTarget reads the private key and the server's public host key files.
func LoadTarget(addr, user, keyFile, hostKeyFile string) (*Target, error) {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	key, err := ssh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	b, err = os.ReadFile(hostKeyFile)
	if err != nil {
		return nil, err
	}
	hk, _, _, _, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", hostKeyFile, err)
	}
	return &Target{Addr: addr, User: user, Key: key, HostKey: hk}, nil
}

func (t *Target) dial() (*ssh.Client, error) {
	return ssh.Dial("tcp", t.Addr, &ssh.ClientConfig{
		User:            t.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(t.Key)},
		HostKeyCallback: ssh.FixedHostKey(t.HostKey),
	})
}

// Run connects, authenticates, runs cmd in a session and closes. It fails
// unless the command exits with status 0.
func (t *Target) Run(cmd string) error {
	c, err := t.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Run(cmd)
}

// Sequential runs cmd over n connections one after another. It returns
// how many failed and the first failure.
func (t *Target) Sequential(n int, cmd string) (failed int, first error) {
	for range n {
		if err := t.Run(cmd); err != nil {
			if first == nil {
				first = err
			}
			failed++
		}
	}
	return failed, first
}

// Held is a set of idle authenticated connections, each with an open
// session channel on which nothing has been requested.
type Held struct {
	mu      sync.Mutex
	clients []*ssh.Client
}

// Hold opens n such connections, parallel at a time, and keeps those that
// succeeded. It returns how many failed and the first failure.
func (t *Target) Hold(n, parallel int) (h *Held, failed int, first error) {
	h = &Held{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan struct{})
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
		}
		failed++
	}
	for range max(parallel, 1) {
		wg.Go(func() {
			for range work {
				c, err := t.dial()
				if err != nil {
					fail(err)
					continue
				}
				if _, err := c.NewSession(); err != nil {
					c.Close()
					fail(err)
					continue
				}
				h.mu.Lock()
				h.clients = append(h.clients, c)
				h.mu.Unlock()
			}
		})
	}
	for range n {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
	return h, failed, first
}

// Len is the number of connections held.
func (h *Held) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// Close closes every connection held.
func (h *Held) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	for _, c := range h.clients {
		// The server closing first (it may, on its way out) is not a
		// failure of the soak.
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	h.clients = nil
	return errors.Join(errs...)
}
