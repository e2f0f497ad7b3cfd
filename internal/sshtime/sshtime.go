// Package sshtime reads the two ways OpenSSH writes a time: an interval
// ("1h30m", convtime in OpenSSH's misc.c) and an absolute time
// ("YYYYMMDD[HHMM[SS]][Z]", parse_absolute_time), for sshd's configuration,
// authorized_keys' expiry-time, ssh-keygen's certificate validity and
// allowed_signers. Digits are read by hand rather than through time.Parse,
// whose layout parser would otherwise be in the binary for these alone.
package sshtime

import (
	"errors"
	"math"
	"strings"
	"time"
)

var errInterval = errors.New("invalid time interval")

// Interval returns the seconds in s: numbers each followed by a unit (s, m,
// h, d, w, either case), the last of which may have none (seconds), as
// "90", "1h30m" or "2w". Like OpenSSH, it refuses a total or a number
// above 2^31-1.
func Interval(s string) (int, error) {
	if s == "" {
		return 0, errInterval
	}
	total := 0
	for s != "" {
		n := 0
		i := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int(s[i]-'0')
			if n > math.MaxInt32 {
				return 0, errInterval
			}
		}
		if i == 0 {
			return 0, errInterval
		}
		mul := 1
		if i < len(s) {
			switch s[i] | 0x20 {
			case 's':
			case 'm':
				mul = 60
			case 'h':
				mul = 60 * 60
			case 'd':
				mul = 24 * 60 * 60
			case 'w':
				mul = 7 * 24 * 60 * 60
			default:
				return 0, errInterval
			}
			i++
		}
		if n > math.MaxInt32/mul || total > math.MaxInt32-n*mul {
			return 0, errInterval
		}
		total += n * mul
		s = s[i:]
	}
	return total, nil
}

var errAbsolute = errors.New("invalid time: want YYYYMMDD[HHMM[SS]][Z]")

// Absolute reads YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS in local, or in
// UTC when it ends in "Z" or "UTC" (either case). As OpenSSH's strptime and
// mktime do, it takes a day up to 31 in any month and a second up to 61 and
// carries the excess into the next month or minute (20230231 is 3 March),
// and it refuses a time before 1970.
func Absolute(s string, local *time.Location) (time.Time, error) {
	loc := local
	switch n := len(s); {
	case n > 1 && (s[n-1] == 'Z' || s[n-1] == 'z'):
		s, loc = s[:n-1], time.UTC
	case n > 3 && strings.EqualFold(s[n-3:], "UTC"):
		s, loc = s[:n-3], time.UTC
	}
	if len(s) != 8 && len(s) != 12 && len(s) != 14 {
		return time.Time{}, errAbsolute
	}
	// Field widths, and each field's range as strptime checks it.
	fields := [...]struct{ width, lo, hi int }{{4, 0, 9999}, {2, 1, 12}, {2, 1, 31}, {2, 0, 23}, {2, 0, 59}, {2, 0, 61}}
	var v [len(fields)]int
	for i, f := range fields {
		if s == "" {
			break
		}
		for _, c := range []byte(s[:f.width]) {
			if c < '0' || c > '9' {
				return time.Time{}, errAbsolute
			}
			v[i] = v[i]*10 + int(c-'0')
		}
		if v[i] < f.lo || v[i] > f.hi {
			return time.Time{}, errAbsolute
		}
		s = s[f.width:]
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, loc)
	if t.Unix() < 0 {
		return time.Time{}, errAbsolute
	}
	return t, nil
}
