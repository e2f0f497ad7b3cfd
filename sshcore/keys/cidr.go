package keys

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// CheckSourceAddress checks a certificate's source-address list as
// OpenSSH's ssh-keygen does (addr_match_cidr_list): comma-separated
// addresses or address/masklen networks with no bits set past the mask.
// Its error holds OpenSSH's lines, one per line, the last "Invalid
// source-address list".
func CheckSourceAddress(list string) error {
	var lines []string
	fail := func(format string, args ...any) error {
		lines = append(lines, fmt.Sprintf(format, args...), "Invalid source-address list")
		return fmt.Errorf("%s", strings.Join(lines, "\n"))
	}
	entries := strings.Split(list, ",")
	for _, e := range entries {
		if e == "" {
			// OpenSSH's strsep has cut the list at its first comma.
			return fail("addr_match_cidr_list: empty entry in list \"%s\"", entries[0])
		}
		if len(e) > 46+3 {
			return fail("addr_match_cidr_list: list entry \"%.100s\" too long", e)
		}
		if strings.Trim(e, "0123456789abcdefABCDEF.:/") != "" {
			lines = append(lines, fmt.Sprintf("addr_match_cidr_list: list entry \"%s\" contains invalid characters", e))
		}
		addr, bits, ok := parseCIDR(e)
		if !ok {
			return fail("Invalid network entry \"%s\"", e)
		}
		if bits > addr.BitLen() || netip.PrefixFrom(addr, bits).Masked().Addr() != addr {
			return fail("Inconsistent mask length for network \"%s\"", e)
		}
	}
	return nil
}

// parseCIDR reads addr[/masklen] as OpenSSH's addr_pton_cidr: a numeric
// host as getaddrinfo takes it (IPv4's short and octal forms too) and a
// mask length of at most 128.
func parseCIDR(s string) (netip.Addr, int, bool) {
	host, mask, hasMask := strings.Cut(s, "/")
	var addr netip.Addr
	if a, err := netip.ParseAddr(host); err == nil && a.Zone() == "" {
		addr = a
	} else if a, ok := parseInetAton(host); ok {
		addr = a
	} else {
		return addr, 0, false
	}
	bits := addr.BitLen()
	if hasMask {
		n, err := strconv.ParseUint(mask, 10, 32)
		if err != nil || n > 128 {
			return addr, 0, false
		}
		bits = int(n)
	}
	return addr, bits, true
}

// parseInetAton reads IPv4's numbers-and-dots forms that inet_aton takes
// besides the dotted quad: a.b.c (c fills 16 bits), a.b (b fills 24), a,
// each part decimal or, with a leading 0, octal.
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		base := 10
		if len(p) > 1 && p[0] == '0' {
			base = 8
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	var n uint64
	last := len(vals) - 1
	for i, v := range vals[:last] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (24 - 8*uint(i))
	}
	if vals[last] >= 1<<(32-8*uint(last)) {
		return netip.Addr{}, false
	}
	n |= vals[last]
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}
