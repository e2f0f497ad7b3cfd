// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand"
	"sync"
	"testing"
)

// TestBufferRecyclesPackets: a data packet goes back to the pool once the
// channel's buffer has been read past it, and the next packet of its size
// can be that memory; one still being read, or handed out whole by
// ReadDatagram, does not.
func TestBufferRecyclesPackets(t *testing.T) {
	reused := false
	// sync.Pool drops some of what it is given, at random under the race
	// detector: try until one comes back.
	for try := 0; try < 100 && !reused; try++ {
		b := newBuffer()
		first := getPacket(33000)
		b.writePacket(first[9:], first)
		out := make([]byte, 40000)
		if n, _ := b.Read(out); n != len(first)-9 {
			t.Fatalf("read %d bytes of %d", n, len(first)-9)
		}
		// Read has not moved past the packet yet: still held.
		second := getPacket(33000)
		if &second[0] == &first[0] {
			t.Fatal("a packet came back before the buffer was read past it")
		}
		b.writePacket(second[9:], second)
		b.Read(out)
		// Now past the first.
		third := getPacket(33000)
		reused = &third[0] == &first[0]
	}
	if !reused {
		t.Error("no packet came back from the pool in 100 tries")
	}
}

// TestRecycledPacketsCarryData: four channels at once, each moving 4 MiB
// of random data each way, with each kind of cipher (AEAD ciphers decrypt
// into pooled packets, the others are copied into them), arrive whole:
// no packet goes back to the pool while its data is still to be read.
func TestRecycledPacketsCarryData(t *testing.T) {
	for _, cipher := range []string{CipherAES128GCM, CipherChaCha20Poly1305, "aes128-ctr"} {
		t.Run(cipher, func(t *testing.T) {
			c1, c2, err := netPipe()
			if err != nil {
				t.Fatal(err)
			}
			defer c1.Close()
			defer c2.Close()
			conf := &ServerConfig{NoClientAuth: true}
			conf.Ciphers = []string{cipher}
			conf.AddHostKey(testSigners["ed25519"])
			echo := func(ch Channel) {
				io.Copy(ch, ch)
				ch.CloseWrite()
			}
			go func() {
				_, chans, reqs, err := NewServerConn(c2, conf)
				if err != nil {
					t.Error(err)
					return
				}
				go DiscardRequests(reqs)
				for nc := range chans {
					ch, reqs, err := nc.Accept()
					if err != nil {
						return
					}
					go DiscardRequests(reqs)
					go echo(ch)
				}
			}()
			cconf := &ClientConfig{}
			cconf.Ciphers = []string{cipher}
			client := dialNoAuth(t, c1, cconf)
			defer client.Close()
			var wg sync.WaitGroup
			for i := 0; i < 4; i++ {
				data := make([]byte, 4<<20)
				rand.New(rand.NewSource(int64(i))).Read(data)
				ch, creqs, err := client.OpenChannel("echo", nil)
				if err != nil {
					t.Fatal(err)
				}
				go DiscardRequests(creqs)
				wg.Add(1)
				go func() {
					defer wg.Done()
					go func() {
						ch.Write(data)
						ch.CloseWrite()
					}()
					// Odd read sizes, so that reads end inside packets.
					h := sha256.New()
					buf := make([]byte, 7000+1000*i)
					n, err := io.CopyBuffer(h, struct{ io.Reader }{ch}, buf)
					if err != nil || n != int64(len(data)) || !bytes.Equal(h.Sum(nil), sha256Sum(data)) {
						t.Errorf("channel %d: %d bytes back of %d, %v, the same: %v", i, n, len(data), err, bytes.Equal(h.Sum(nil), sha256Sum(data)))
					}
				}()
			}
			wg.Wait()
		})
	}
}

func sha256Sum(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}
