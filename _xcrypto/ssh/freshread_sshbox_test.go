package ssh

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/rand"
	"testing"
)

// TestReadPacketFresh reads two packets through readPacket with every
// cipher, the second no longer than the first so that a cipher reusing
// its buffer would write it over the first: each packet must still hold
// what was sent once the next has been read, whether readPacket copied it
// or the cipher decrypted it into memory of its own (freshread_sshbox.go).
func TestReadPacketFresh(t *testing.T) {
	fresh := map[string]bool{
		CipherAES128GCM: true, CipherAES256GCM: true, CipherChaCha20Poly1305: true,
	}
	for cipher := range cipherModes {
		t.Run(cipher, func(t *testing.T) {
			kr := &kexResult{Hash: crypto.SHA1}
			algs := DirectionAlgorithms{Cipher: cipher, MAC: HMACSHA256, compression: compressionNone}
			wc, err := newPacketCipher(clientKeys, algs, kr)
			if err != nil {
				t.Fatal(err)
			}
			rc, err := newPacketCipher(clientKeys, algs, kr)
			if err != nil {
				t.Fatal(err)
			}
			if got := readsFresh(rc); got != fresh[cipher] {
				t.Fatalf("readsFresh = %v, want %v", got, fresh[cipher])
			}
			w := &connectionState{packetCipher: wc}
			r := &connectionState{packetCipher: rc}
			sent := [][]byte{
				append([]byte{msgChannelData}, bytes.Repeat([]byte{1}, 3000)...),
				append([]byte{msgChannelData}, bytes.Repeat([]byte{2}, 1000)...),
			}
			var wire bytes.Buffer
			bw := bufio.NewWriter(&wire)
			for _, p := range sent {
				if err := w.writePacket(bw, rand.Reader, append([]byte(nil), p...), false); err != nil {
					t.Fatal(err)
				}
			}
			if err := bw.Flush(); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(&wire)
			var got [][]byte
			for range sent {
				p, err := r.readPacket(br, false)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p)
			}
			for i := range sent {
				if !bytes.Equal(got[i], sent[i]) {
					t.Errorf("packet %d changed once the next was read: %d bytes, first %x", i, len(got[i]), got[i][:2])
				}
			}
		})
	}
}
