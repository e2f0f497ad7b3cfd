package ssh

// x/crypto's readPacket copies every packet it receives out of the
// cipher's buffer into a fresh one, since the cipher reuses its buffer for
// the next packet. The AEAD ciphers (AES-GCM and ChaCha20-Poly1305) here
// decrypt into a fresh buffer instead (scripts/xcrypto's edits of
// cipher.go): the decryption writes the plaintext where the copy would
// have, and readPacket hands it on without copying it again. On a one-core
// download that copy was a fifth of the receiving client's CPU
// (docs/performance.md, "A new machine: AES-GCM on one core").

// readsFresh reports whether c's readCipherPacket returns its packet in
// memory of its own, which nothing else holds or reuses.
func readsFresh(c packetCipher) bool {
	switch c := c.(type) {
	case *gcmCipher, *chacha20Poly1305Cipher:
		return true
	case *compressingCipher:
		return readsFresh(c.packetCipher)
	}
	return false
}

// stillFresh reports whether out, what inflatePacket made of packet, is
// still the cipher's fresh packet: not when it was inflated into the
// inflater's buffer.
func stillFresh(fresh bool, out, packet []byte) bool {
	return fresh && len(out) > 0 && len(packet) > 0 && &out[0] == &packet[0]
}
