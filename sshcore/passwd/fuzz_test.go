package passwd

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParsePasswdLine(f *testing.F) {
	for _, s := range []string{
		"root:x:0:0:root:/root:/bin/bash",
		"alice:$1$abc$def:1000:1000:Alice,,,:/home/alice:/bin/sh",
		"a:x:4294967295:0:::", "a:x:4294967296:0:::/", "a:x:-1:0:::", ":x:0:0:::", "a b:x:1:1:::", "a::1:1:::", "::::::", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		u, err := ParsePasswdLine(line)
		if err != nil {
			return
		}
		if u.Name == "" || strings.ContainsAny(u.Name, ": \t") || u.UID < 0 || u.GID < 0 {
			t.Errorf("accepted %q as %+v", line, u)
		}
		rebuilt := strings.Join([]string{u.Name, u.Password, itoa(u.UID), itoa(u.GID), u.Gecos, u.Home, u.Shell}, ":")
		if u2, err := ParsePasswdLine(rebuilt); err != nil || u2 != u {
			t.Errorf("round trip of %q: %+v, %v", line, u2, err)
		}
	})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func FuzzParseShadowLine(f *testing.F) {
	for _, s := range []string{
		"root:*:19000:0:99999:7:::",
		"alice:$y$j9T$abc$def:20000:0:99999:7::0:",
		"a:!:0::::::", "a:x:-1:-1:-1:-1:-1:-1:", "a:x:-2::::::", "a:x:1:2:3:4:5:6:7", "a:x:99999999999999999999::::::", "::::::::", "a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		s, err := ParseShadowLine(line)
		if err != nil {
			return
		}
		for _, v := range []int64{s.LastChange, s.MinAge, s.MaxAge, s.Warn, s.Inactive, s.Expire} {
			if v < -1 {
				t.Errorf("accepted %q with a day field %d", line, v)
			}
		}
		a := &Account{User: User{Name: s.Name}, Shadow: &s}
		a.Valid(fixedNow)
		a.PasswordExpired(fixedNow)
	})
}

// FuzzParseHash throws arbitrary strings at the "$id$" parsers. Accepted
// hashes are also run when they are cheap, so the hashing code sees the
// same odd salts and parameters; expensive ones are only parsed, but their
// cost must be within the limits.
func FuzzParseHash(f *testing.F) {
	for _, s := range []string{
		"$y$j9T$FYGuV6AY0JAM13kbG03Q9/$U8GaA/tt4akbkeEjmDaf8rt9/qP40tPyjmKXnoNTM0A",
		"$y$j75..$saltsaltsalt$xK1AWeuzKF75s9QVh.9eGDmTVYIZMCztb8dYtSRRz5B",
		"$y$/75/0$saltsaltsalt$x", "$y$.75.0$s$x", "$y$j/.$$x", "$y$jzzzzzz$", "$y$j9T5.$abcd$def",
		"$6$rounds=1000$salt$hash", "$5$rounds=999999999$s$h", "$5$saltsaltsaltsaltsalt$", "$1$abcdefghij$x",
		"$2b$04$abcdefghijklmnopqrstuuKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK", "$2y$31$x", "$7$CU..../....abc$xyz",
		"abJnggxhB/yWI", "", "$", "$$$",
	} {
		f.Add(s, "pw")
	}
	f.Fuzz(func(t *testing.T, h, pw string) {
		hs, err := parseHash(h)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) && !errors.Is(err, ErrUnsupportedScheme) && !errors.Is(err, ErrCostTooHigh) {
				t.Errorf("parseHash(%q): unclassified error %v", h, err)
			}
			return
		}
		if cheap(hs) {
			hs.verify([]byte(pw), h)
		}
	})
}

// cheap reports whether verifying hs takes a few milliseconds at most.
func cheap(hs hasher) bool {
	switch c := hs.(type) {
	case compareCrypt:
		switch x := c.c.(type) {
		case *yescryptHash:
			p := x.params
			mem := uint64(128) * uint64(p.r) << p.logN
			return mem*uint64(p.t+1) <= 1<<20 && uint64(p.r)*uint64(p.p) <= 64
		case *shaCrypt:
			return x.rounds <= 5000
		case *md5Crypt:
			return true
		}
	case bcryptHash:
		return false
	}
	return false
}
