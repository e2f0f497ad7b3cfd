package server

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"time"
)

// UseDNS yes: the client's address is looked up, and its name is used for
// host patterns (Match Host, from= in authorized_keys, AllowUsers and
// DenyUsers user@host) only when that name resolves back to the address,
// as OpenSSH's remote_hostname checks; otherwise the address stands in.

// resolver answers the lookups; tests may replace it.
var resolver = net.DefaultResolver

// lookUpRemoteHost sets c.remoteHost to the client's verified name and
// reports whether it found one.
func (c *conn) lookUpRemoteHost(grace time.Duration) bool {
	name, ok := c.verifiedName(grace)
	if ok {
		c.remoteHost = name
	}
	return ok
}

// verifiedName is the client's name when its address has one that maps
// back to the address. The lookups are bounded by LoginGraceTime (10 s
// when that is 0), since they hold up the version exchange.
func (c *conn) verifiedName(grace time.Duration) (string, bool) {
	ip, err := netip.ParseAddr(c.remoteIP)
	if err != nil {
		return "", false
	}
	if grace <= 0 || grace > 10*time.Second {
		grace = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Go's resolver drops PTR names that are not domain names, among
	// them the addresses OpenSSH checks for ("Nasty PTR record"): the
	// lookup then fails and the address stands in, as in OpenSSH.
	names, err := resolver.LookupAddr(ctx, c.remoteIP)
	log := c.srv.log()
	if err != nil || len(names) == 0 {
		log.Debugf(msgNoPTR, c.remoteIP, err)
		return "", false
	}
	name := strings.ToLower(strings.TrimSuffix(names[0], "."))
	addrs, err := resolver.LookupNetIP(ctx, "ip", name)
	if err != nil {
		log.Infof(msgReverseFailed, name, c.remoteIP)
		return "", false
	}
	for _, a := range addrs {
		if a.Unmap() == ip.Unmap() {
			return name, true
		}
	}
	log.Infof(msgNoMapBack, c.remoteIP, name)
	return "", false
}
