// Package sshfp is the client's side of SSHFP (RFC 4255, 6594): the DNS
// look-up of a host's SSHFP records as OpenSSH 9.2 on Debian makes it
// (getrrsetbyname over glibc's stub resolver, /etc/resolv.conf, the AD bit
// believed only with options trust-ad), and the comparison of a record
// with a host key that dns.c makes. The numbers and digests are
// sshcore/keys' (ssh-keygen -r writes records from the same table).
package sshfp

import (
	"crypto/subtle"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/keys"
)

// Record is one SSHFP record's data.
type Record struct {
	Algorithm   uint8
	Type        uint8 // fingerprint type
	Fingerprint []byte
}

// ParseRecord reads an SSHFP RDATA; false when it is shorter than the two
// numbers (dns.c's "Error parsing fingerprint").
func ParseRecord(rdata []byte) (Record, bool) {
	if len(rdata) < 2 {
		return Record{}, false
	}
	return Record{Algorithm: rdata[0], Type: rdata[1], Fingerprint: rdata[2:]}, true
}

// Outcome is what a record says about a key.
type Outcome int

const (
	Unrelated Outcome = iota // another algorithm, or a digest of another length
	Match
	Mismatch // same algorithm and digest length, another digest
	// Unusable: the key's type or the record's fingerprint type has no
	// SSHFP digest; dns.c gives up on the whole look-up then.
	Unusable
)

// Compare judges the key by the record as dns.c's verify_host_key_dns
// does (the digest compared in constant time).
func (r Record) Compare(key ssh.PublicKey) Outcome {
	alg := keys.SSHFPAlgorithm(key)
	digest := keys.SSHFPDigest(key, r.Type)
	if alg == 0 || digest == nil {
		return Unusable
	}
	if alg != r.Algorithm || len(digest) != len(r.Fingerprint) {
		return Unrelated
	}
	if subtle.ConstantTimeCompare(digest, r.Fingerprint) == 1 {
		return Match
	}
	return Mismatch
}
