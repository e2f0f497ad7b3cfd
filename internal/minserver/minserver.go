// Package minserver is the smallest SSH server golang.org/x/crypto/ssh
// makes: public-key authentication against one key, global requests
// discarded, no channels. The benchmark measures its memory per idle
// authenticated connection beside sshd's, as the floor that x/crypto's own
// per-connection state (its reader, kex and mux goroutines and their
// buffers) puts under any server built on it. It gives its free heap back
// to the kernel when quiet, as sshd does (internal/idletrim), so that the
// two are measured alike.
package minserver

import (
	"bytes"
	"errors"
	"net"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/idletrim"
)

// Config makes a server configuration that admits only the key allowed.
func Config(hostKey ssh.Signer, allowed ssh.PublicKey) *ssh.ServerConfig {
	want := allowed.Marshal()
	conf := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if bytes.Equal(key.Marshal(), want) {
				return nil, nil
			}
			return nil, errors.New("key not allowed")
		},
	}
	conf.AddHostKey(hostKey)
	return conf
}

// Serve accepts until l is closed; each connection is held until the
// client leaves.
func Serve(l net.Listener, conf *ssh.ServerConfig) error {
	trim := &idletrim.Trimmer{}
	defer trim.Stop()
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		trim.Poke()
		go serveConn(c, conf, trim)
	}
}

func serveConn(c net.Conn, conf *ssh.ServerConfig, trim *idletrim.Trimmer) {
	defer trim.Poke()
	defer c.Close()
	sc, chans, reqs, err := ssh.NewServerConn(c, conf)
	trim.Poke()
	if err != nil {
		return
	}
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		nc.Reject(ssh.Prohibited, "no channels")
	}
}
