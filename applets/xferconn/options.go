package xferconn

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"sshbox/sshcore/transfer"
)

// SFTPOption reads -X buffer=SIZE (scan_scaled's units: 64K, 1.5K; at most
// 256K) or -X nrequests=N (1 to 262144), as OpenSSH's sftp and scp read
// it: the request size or the requests in flight, and, for a value they
// refuse, their fatal() text.
func SFTPOption(v string) (bufSize, requests int, msg string) {
	switch k, val, _ := strings.Cut(v, "="); k {
	case "buffer":
		n, ok := scanScaled(val)
		if !ok || n <= 0 || n > 256*1024 {
			return 0, 0, fmt.Sprintf("Invalid buffer size \"%s\": Invalid argument", val)
		}
		return min(int(n), transfer.MaxRequest), 0, ""
	case "nrequests":
		n, why := strtonum(val, 1, 256*1024)
		if why != "" {
			return 0, 0, fmt.Sprintf("Invalid number of requests \"%s\": %s", val, why)
		}
		return 0, int(n), ""
	}
	return 0, 0, "Invalid -X option"
}

// LimitKbps reads -l as OpenSSH's sftp and scp do (strtonum, 1 to 100
// Gbit/s in Kbit/s); false means their usage and status 1.
func LimitKbps(v string) (int64, bool) {
	n, why := strtonum(v, 1, 100*1024*1024)
	return n, why == ""
}

// scanScaled is OpenBSD's scan_scaled: a number, perhaps with a fraction,
// and a unit (B, K, M, G, T, P, E, each 1024 of the one before).
func scanScaled(s string) (int64, bool) {
	mult := int64(1)
	if n := len(s); n > 0 {
		if i := strings.IndexByte("BKMGTPE", s[n-1]&^0x20); i >= 0 {
			mult, s = int64(1)<<(10*i), s[:n-1]
		}
	}
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > (1<<62)/mult {
		return 0, false
	}
	n := w * mult
	if frac != "" {
		f, err := strconv.ParseFloat("0."+frac, 64)
		if err != nil || mult == 1 {
			return 0, false
		}
		n += int64(f * float64(mult))
	}
	return n, true
}

// strtonum is OpenBSD's strtonum: the number, or why not ("invalid",
// "too small", "too large").
func strtonum(s string, lo, hi int64) (int64, string) {
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-"):
		return 0, "too small"
	case err != nil && errors.Is(err, strconv.ErrRange):
		return 0, "too large"
	case err != nil:
		return 0, "invalid"
	case n < lo:
		return 0, "too small"
	case n > hi:
		return 0, "too large"
	}
	return n, ""
}
