// Package derkey encodes and decodes the DER key formats sshbox reads and
// writes (PKCS #1, SEC 1, PKCS #8, PKIX SubjectPublicKeyInfo) and OpenSSL's
// legacy PEM encryption, for RSA, ECDSA on P-256, P-384 and P-521, and
// Ed25519 keys.
//
// It exists so that the binary carries neither crypto/x509 nor the
// reflection behind encoding/asn1's Marshal and Unmarshal, which together
// cost about 160 KiB for the handful of functions sshbox used from them.
// Encodings are built with golang.org/x/crypto/cryptobyte. sshbox itself
// writes keys and reads public keys through it; scripts/xcrypto copies
// its files (not its tests) into the x/crypto it builds against, as
// golang.org/x/crypto/ssh/internal/derkey, where x/crypto/ssh's keys.go
// reads PEM private keys through them (_xcrypto/README.md). The package
// must therefore import nothing of sshbox's.
//
// Each function behaves as its namesake in crypto/x509 does for these key
// types, and the tests hold it to that, byte for byte on output and
// accept-for-accept on input: a key file that Go's own x509 reads, this
// package reads to the same key, and what x509 refuses, it refuses. That
// includes encoding/asn1's leniencies (elements after the last known
// field of a SEQUENCE are skipped unread, an EXPLICIT tag's own length is
// not checked, SEC 1 and PKCS #8 may be followed by anything), which is
// why the reader in der.go walks elements the way encoding/asn1 does
// rather than with cryptobyte's stricter DER reader. Keys of other types
// that x509 would return (X25519, DSA, P-224) are errors here.
package derkey
