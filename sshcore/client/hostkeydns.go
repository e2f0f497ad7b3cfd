package client

import (
	"net"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/sshfp"
)

// VerifyHostKeyDNS, as OpenSSH 9.2's verify_host_key: before known_hosts
// is read, the host's SSHFP records are looked up. Under "yes" a match
// the resolver vouched for (DNSSEC, see sshfp) proves the key by itself;
// otherwise a match is only mentioned in the first-connection question,
// and records that name another key bring the changed-key warning, after
// which known_hosts decides as usual.

// checkDNS looks the key up in DNS and reports whether that settles it
// (a secure match under VerifyHostKeyDNS yes). It records in h.dnsMatch
// whether a record matched, for the question.
func (h *hostKeyCheck) checkDNS(key ssh.PublicKey) bool {
	o, log := h.c.Opts, h.c.Log
	if o.VerifyHostKeyDNS != "yes" && o.VerifyHostKeyDNS != "ask" {
		return false
	}
	// Certificates are not in DNS: their plain key is.
	if cert, ok := key.(*ssh.Certificate); ok {
		key = cert.Key
	}
	found, match, secure, ok := h.lookupDNS(o.HostName, key)
	if !ok || !found {
		return false
	}
	if o.VerifyHostKeyDNS == "yes" && match && secure {
		return true
	}
	if match {
		h.dnsMatch = true
		return false
	}
	log.Error(msgHostKeyChangedHead+msgDNSUpdateSSHFP, keyTypeName(key), h.c.fingerprint(key))
	return false
}

// lookupDNS is dns.c's verify_host_key_dns: whether records were found,
// whether one matched and none contradicted the key, whether the answer
// was secure; ok is false when there was nothing to judge by (a numeric
// host, a failed look-up, a record that cannot be compared).
func (h *hostKeyCheck) lookupDNS(host string, key ssh.PublicKey) (found, match, secure, ok bool) {
	log := h.c.Log
	log.Debug3("verify_host_key_dns")
	if isNumericHost(host) {
		log.Debug1("skipped DNS lookup for numerical hostname")
		return false, false, false, false
	}
	set, err := sshfp.Lookup(host)
	if err != nil {
		log.Verbose(msgDNSLookupError, err)
		return false, false, false, false
	}
	secure = set.Secure
	if secure {
		log.Debug1("found %d secure fingerprints in DNS", len(set.RDatas))
	} else {
		log.Debug1("found %d insecure fingerprints in DNS", len(set.RDatas))
	}
	found = len(set.RDatas) > 0
	failed := false
	for _, rdata := range set.RDatas {
		r, ok := sshfp.ParseRecord(rdata)
		if !ok {
			log.Verbose("%s", msgDNSBadRecord)
			continue
		}
		log.Debug3("verify_host_key_dns: checking SSHFP type %d fptype %d", r.Algorithm, r.Type)
		switch r.Compare(key) {
		case sshfp.Unusable:
			log.Error("%s", msgDNSBadKey)
			return false, false, false, false
		case sshfp.Match:
			log.Debug1("verify_host_key_dns: matched SSHFP type %d fptype %d", r.Algorithm, r.Type)
			match = true
		case sshfp.Mismatch:
			log.Debug1("verify_host_key_dns: failed SSHFP type %d fptype %d", r.Algorithm, r.Type)
			failed = true
		}
	}
	// One contradicting record outweighs any match.
	match = match && !failed
	switch {
	case found && match:
		log.Debug1("matching host key fingerprint found in DNS")
	case found:
		log.Debug1("mismatching host key fingerprint found in DNS")
	default:
		log.Debug1("no host key fingerprint found in DNS")
	}
	return found, match, secure, true
}

// isNumericHost: the host is an address, which has no SSHFP records to
// look up (OpenSSH asks getaddrinfo with AI_NUMERICHOST).
func isNumericHost(host string) bool {
	addr, _, _ := strings.Cut(host, "%")
	return net.ParseIP(addr) != nil
}

// dnsNote is the line the first-connection question adds under
// VerifyHostKeyDNS.
func (h *hostKeyCheck) dnsNote() string {
	switch h.c.Opts.VerifyHostKeyDNS {
	case "yes", "ask":
		if h.dnsMatch {
			return msgDNSMatching
		}
		return msgDNSNoMatching
	}
	return ""
}
