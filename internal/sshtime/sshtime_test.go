package sshtime

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestInterval(t *testing.T) {
	for s, want := range map[string]int{
		"0": 0, "90": 90, "1h30m": 5400, "1H30M": 5400, "2w": 1209600, "5d": 432000, "10s": 10,
		"1h30": 3630, "1m1m": 120, "2147483647": math.MaxInt32, "2147483647s": math.MaxInt32,
		"35791394m": 35791394 * 60, "1w1d1h1m1s": 694861,
	} {
		got, err := Interval(s)
		if err != nil || got != want {
			t.Errorf("Interval(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "h", "1x", "1 h", " 1", "1h h", "-1", "+1", "2147483648", "35791395m",
		"2147483647s1s", "1.5h", "99999999999999999999"} {
		if got, err := Interval(s); err == nil {
			t.Errorf("Interval(%q) = %d, want an error", s, got)
		}
	}
}

func TestAbsolute(t *testing.T) {
	est := time.FixedZone("EST", -5*3600)
	for _, c := range []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"20230102", est, time.Date(2023, 1, 2, 0, 0, 0, 0, est)},
		{"202301021504", est, time.Date(2023, 1, 2, 15, 4, 0, 0, est)},
		{"20230102150405", est, time.Date(2023, 1, 2, 15, 4, 5, 0, est)},
		{"20230102150405Z", est, time.Date(2023, 1, 2, 15, 4, 5, 0, time.UTC)},
		{"20230102z", est, time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"202301021504UTC", est, time.Date(2023, 1, 2, 15, 4, 0, 0, time.UTC)},
		{"20230102utc", est, time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)},
		// strptime takes any day up to 31 and mktime carries it over.
		{"20230231", time.UTC, time.Date(2023, 3, 3, 0, 0, 0, 0, time.UTC)},
		{"20231231235961", time.UTC, time.Date(2024, 1, 1, 0, 0, 1, 0, time.UTC)},
		{"19700101", time.UTC, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := Absolute(c.in, c.loc)
		if err != nil || !got.Equal(c.want) || got.Location() != c.want.Location() {
			t.Errorf("Absolute(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, s := range []string{"", "Z", "2023010", "202301021", "2023010215", "20230102150", "202301021504051",
		"20231301", "20230001", "20230100", "20230132", "2023010224", "202301022360", "20230102235962",
		"2023-1-02", "2023010a", "+0230102", "19691231", "20230102ZZ", "20230102 ", "UTC", "20230102GMT"} {
		if got, err := Absolute(s, time.UTC); err == nil {
			t.Errorf("Absolute(%q) = %v, want an error", s, got)
		}
	}
}

// referenceInterval is convtime written another way: split at the units,
// strconv for the numbers.
func referenceInterval(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	units := map[byte]int{'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
	total := int64(0)
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
		num, mul := s, 1
		if i >= 0 {
			u, ok := units[s[i]|0x20]
			if !ok || s[i] >= 0x80 {
				return 0, false
			}
			num, mul, s = s[:i], u, s[i+1:]
		} else {
			s = ""
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if num == "" || err != nil || n > math.MaxInt32 || n*int64(mul) > math.MaxInt32 {
			return 0, false
		}
		if total += n * int64(mul); total > math.MaxInt32 {
			return 0, false
		}
	}
	return int(total), true
}

func FuzzInterval(f *testing.F) {
	for _, s := range []string{"90", "1h30m", "2W", "1h30", "2147483647", "35791395m", "x", "1mm"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Interval(s)
		want, ok := referenceInterval(s)
		if (err == nil) != ok || got != want {
			t.Fatalf("Interval(%q) = %d, %v; reference %d, %v", s, got, err, want, ok)
		}
	})
}

// FuzzAbsolute checks Absolute against time.Parse where the date is one
// that time.Parse takes (a day the month has, a second below 60).
func FuzzAbsolute(f *testing.F) {
	for _, s := range []string{"20230102", "202301021504", "20230102150405Z", "20230231", "20231231235960utc", "1969123123", "Z"} {
		f.Add(s)
	}
	layouts := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Absolute(s, time.Local)
		digits, loc := s, time.Local
		if n := len(s); n > 1 && (s[n-1]|0x20) == 'z' {
			digits, loc = s[:n-1], time.UTC
		} else if n > 3 && strings.EqualFold(s[n-3:], "utc") {
			digits, loc = s[:n-3], time.UTC
		}
		layout, ok := layouts[len(digits)]
		if !ok {
			if err == nil {
				t.Fatalf("Absolute(%q) = %v for a length OpenSSH refuses", s, got)
			}
			return
		}
		want, perr := time.ParseInLocation(layout, digits, loc)
		if perr == nil && strings.Trim(digits, "0123456789") == "" && want.Unix() >= 0 {
			if err != nil || !got.Equal(want) {
				t.Fatalf("Absolute(%q) = %v, %v; time.Parse %v", s, got, err, want)
			}
		}
		if err == nil && got.Unix() < 0 {
			t.Fatalf("Absolute(%q) = %v, before 1970", s, got)
		}
	})
}
