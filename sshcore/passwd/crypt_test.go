package passwd

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// readVectors reads a known-answer file: a Go/JSON-quoted password, a tab,
// a crypt(3) string. testdata/mkpasswd.txt was produced by mkpasswd (whois
// 5.5, libxcrypt 4.4) and testdata/libxcrypt.txt by libxcrypt's crypt() with
// hand-built yescrypt settings (p>1, t>0, WORM and classic scrypt flavours).
func readVectors(t *testing.T, path string) [][2]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		q, h, ok := strings.Cut(sc.Text(), "\t")
		pw, err := strconv.Unquote(q)
		if !ok || err != nil {
			t.Fatalf("%s:%d: bad vector line", path, n)
		}
		out = append(out, [2]string{pw, h})
	}
	if len(out) == 0 {
		t.Fatalf("%s: no vectors", path)
	}
	return out
}

// wrongVariants are near misses of a password that must all be refused.
func wrongVariants(pw string) []string {
	v := []string{pw + "x", strings.ToUpper(pw) + "!"}
	if pw != "" {
		v = append(v, pw[:len(pw)-1], "")
	}
	return v
}

func TestKnownAnswers(t *testing.T) {
	wrongDone := map[string]bool{}
	for _, file := range []string{"testdata/mkpasswd.txt", "testdata/libxcrypt.txt"} {
		for _, v := range readVectors(t, file) {
			pw, h := v[0], v[1]
			if err := Verify(h, pw); err != nil {
				t.Errorf("%s: Verify(%s, %q) = %v, want match", file, h, pw, err)
			}
			// One wrong password per yescrypt parameter set keeps the
			// test quick under -race.
			if c := costClass(h); strings.HasPrefix(h, "$y$") {
				if wrongDone[c] {
					continue
				}
				wrongDone[c] = true
			}
			wrong := wrongVariants(pw)[0]
			if strings.HasPrefix(h, "$2") && len(pw) >= bcryptKeyMax {
				wrong = "x" + pw // bcrypt ignores bytes past 72, so change the front
			}
			if err := Verify(h, wrong); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("%s: Verify(%s, %q) = %v, want wrong password", file, h, wrong, err)
			}
		}
	}
}

// TestBcryptTruncation: bcrypt compares only the first 72 bytes, as
// libxcrypt does; the vector's password is 120 bytes.
func TestBcryptTruncation(t *testing.T) {
	for _, v := range readVectors(t, "testdata/mkpasswd.txt") {
		pw, h := v[0], v[1]
		if !strings.HasPrefix(h, "$2b$") || len(pw) <= bcryptKeyMax {
			continue
		}
		if err := Verify(h, pw[:bcryptKeyMax]+"anything"); err != nil {
			t.Errorf("72-byte prefix: %v", err)
		}
		if err := Verify(h, pw[:bcryptKeyMax-1]); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("71-byte prefix: %v, want wrong password", err)
		}
		return
	}
	t.Fatal("no long bcrypt vector in testdata/mkpasswd.txt")
}

// mkpasswd hashes password with the system's own tool.
func mkpasswd(t *testing.T, password string, args ...string) string {
	t.Helper()
	cmd := exec.Command("mkpasswd", append(args, "--stdin")...)
	cmd.Stdin = strings.NewReader(password)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mkpasswd %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// TestMkpasswd hashes fresh passwords with fresh salts through mkpasswd for
// every scheme and several cost settings.
func TestMkpasswd(t *testing.T) {
	testenv.NeedCmd(t, "mkpasswd")
	long := strings.Repeat("0123456789", 10)
	cases := []struct {
		args []string
		pws  []string
	}{
		{[]string{"-m", "yescrypt"}, []string{"s3cret", " "}},
		{[]string{"-m", "yescrypt", "-R", "1"}, []string{"ünïcødé 🔑", long}},
		{[]string{"-m", "yescrypt", "-R", "4"}, []string{"tab\there"}},
		{[]string{"-m", "yescrypt", "-R", "6"}, []string{"six"}},
		{[]string{"-m", "sha512crypt"}, []string{"s3cret", " ", "ünïcødé 🔑", long}},
		{[]string{"-m", "sha512crypt", "-R", "2000"}, []string{"two thousand"}},
		{[]string{"-m", "sha256crypt"}, []string{"s3cret", "ünïcødé 🔑", long}},
		{[]string{"-m", "sha256crypt", "-R", "7777"}, []string{"sevens"}},
		{[]string{"-m", "md5crypt"}, []string{"s3cret", " ", "ünïcødé 🔑", long}},
		{[]string{"-m", "bcrypt", "-R", "4"}, []string{"s3cret", "ünïcødé 🔑", long}},
		{[]string{"-m", "bcrypt", "-R", "6"}, []string{"six"}},
		{[]string{"-m", "bcrypt-a", "-R", "4"}, []string{"ünïcødé 🔑"}},
	}
	for _, c := range cases {
		for _, pw := range c.pws {
			h := mkpasswd(t, pw, c.args...)
			if err := Verify(h, pw); err != nil {
				t.Errorf("mkpasswd %v %q -> %s: %v", c.args, pw, h, err)
			}
			wrongs := wrongVariants(pw)
			if strings.HasPrefix(h, "$y$") {
				wrongs = wrongs[:1] // yescrypt is the slow one under -race
			}
			for _, w := range wrongs {
				if strings.HasPrefix(h, "$2") && len(pw) > bcryptKeyMax && strings.HasPrefix(w, pw[:bcryptKeyMax]) {
					continue
				}
				if err := Verify(h, w); !errors.Is(err, ErrWrongPassword) {
					t.Errorf("mkpasswd %v %q -> %s: wrong %q gave %v", c.args, pw, h, w, err)
				}
			}
		}
	}
}

func TestRefusedHashes(t *testing.T) {
	cases := []struct {
		hash string
		want error
	}{
		{"abJnggxhB/yWI", ErrUnsupportedScheme},                                     // DES
		{"_J9..CCCCXBrJUJV154M", ErrUnsupportedScheme},                              // BSDi
		{"$md5,rounds=5000$GUBv0xjJ$$mSwgIswdjlTY0YxV7HBVm0", ErrUnsupportedScheme}, // sunmd5
		{"$3$$8846f7eaee8fb117ad06bdd830b7586c", ErrUnsupportedScheme},              // NT
		{"$7$CU..../....abc$xyz", ErrUnsupportedScheme},                             // scrypt
		{"$gy$j9T$abc$def", ErrUnsupportedScheme},                                   // gost-yescrypt
		{"$2x$05$abcdefghijklmnopqrstuuKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK", ErrUnsupportedScheme},
		{"$6$rounds=999999999$salt$hash", ErrCostTooHigh},
		{"$5$rounds=999$salt$hash", ErrMalformedHash},
		{"$5$rounds=01000$salt$hash", ErrMalformedHash},
		{"$5$rounds=x$salt$hash", ErrMalformedHash},
		{"$2b$31$abcdefghijklmnopqrstuuKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK", ErrCostTooHigh},
		{"$2b$03$abcdefghijklmnopqrstuuKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK", ErrMalformedHash},
		{"$2b$05$short", ErrMalformedHash},
		{"$y$jKT$abcd$def", ErrCostTooHigh},   // N=2^23, r=32: 8 GiB
		{"$y$j9T/6$abcd$def", ErrCostTooHigh}, // t=9, above the limit
		{"$y$j9T/.$abcd$def", nil},
		{"$y$j9T/..$abcd$def", ErrMalformedHash},
		{"$y$j9T1.$abcd$def", ErrUnsupportedScheme}, // g: hash upgrades
		{"$y$j9T5.$abcd$def", ErrUnsupportedScheme}, // ROM
		{"$y$i9T$abcd$def", ErrUnsupportedScheme},   // non-default pwxform
		{"$y$.9T/.$abcd$def", ErrMalformedHash},     // scrypt with t
		{"$y$j9T$a$def", ErrMalformedHash},          // salt of 6 bits
		{"$y$j9T$!!$def", ErrMalformedHash},
		{"$y$/9T.nu$abcd$def", ErrCostTooHigh},   // WORM, p=300 passes over 16 MiB
		{"$y$jJ..xzzz$abcd$def", ErrCostTooHigh}, // RW with a huge p: S-boxes
		{"$y$/FT/6$abcd$def", ErrCostTooHigh},    // 1 GiB, 10 passes
		{"$y$j9T", ErrMalformedHash},
		{"$y$", ErrMalformedHash},
		{"$y$j....$abcd$def", ErrMalformedHash}, // RW needs N/p > 1: N=2, p=2
		{"$y$jK$abcd$def", ErrMalformedHash},    // no r
		{"$y$abc", ErrMalformedHash},
		{"", ErrMalformedHash},
		{"x", ErrMalformedHash},
	}
	for _, c := range cases {
		_, err := parseHash(c.hash)
		if c.want == nil {
			if err != nil {
				t.Errorf("parseHash(%q) = %v, want ok", c.hash, err)
			}
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("parseHash(%q) = %v, want %v", c.hash, err, c.want)
		}
		if err := Verify(c.hash, "pw"); !errors.Is(err, c.want) {
			t.Errorf("Verify(%q) = %v, want %v", c.hash, err, c.want)
		}
	}
}

func BenchmarkYescryptDefault(b *testing.B) {
	h := "$y$j9T$FYGuV6AY0JAM13kbG03Q9/$U8GaA/tt4akbkeEjmDaf8rt9/qP40tPyjmKXnoNTM0A"
	for b.Loop() {
		if err := Verify(h, "correct horse"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSha512Default(b *testing.B) {
	h := mkpasswdB(b, "pw", "-m", "sha512crypt")
	for b.Loop() {
		if err := Verify(h, "pw"); err != nil {
			b.Fatal(err)
		}
	}
}

func mkpasswdB(b *testing.B, pw string, args ...string) string {
	cmd := exec.Command("mkpasswd", append(args, "--stdin")...)
	cmd.Stdin = strings.NewReader(pw)
	out, err := cmd.Output()
	if err != nil {
		b.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
