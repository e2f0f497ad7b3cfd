package passwd

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// vectorFor picks a hash from testdata/mkpasswd.txt (made by mkpasswd), so
// these tests need no tools.
func vectorFor(t *testing.T, prefix, password string) string {
	t.Helper()
	for _, v := range readVectors(t, "testdata/mkpasswd.txt") {
		if v[0] == password && strings.HasPrefix(v[1], prefix) {
			return v[1]
		}
	}
	t.Fatalf("no %s vector for %q in testdata/mkpasswd.txt", prefix, password)
	return ""
}

// fixedNow is 2026-01-01 (day 20454).
var fixedNow = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func writeDB(t *testing.T, passwd, shadow string) *DB {
	t.Helper()
	dir := t.TempDir()
	db := &DB{PasswdFile: filepath.Join(dir, "passwd"), ShadowFile: filepath.Join(dir, "shadow"), Now: func() time.Time { return fixedNow }}
	if err := os.WriteFile(db.PasswdFile, []byte(passwd), 0o644); err != nil {
		t.Fatal(err)
	}
	if shadow != "" {
		if err := os.WriteFile(db.ShadowFile, []byte(shadow), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestCheckSynthetic(t *testing.T) {
	sha := vectorFor(t, "$5$", "correct horse")
	md5 := vectorFor(t, "$1$", "correct horse")
	bc := vectorFor(t, "$2b$", "correct horse")
	passwd := strings.Join([]string{
		"# a comment line",
		"alice:x:1001:1001:Alice,,,:/home/alice:/bin/bash",
		"locked:x:1002:1002::/home/locked:/bin/sh",
		"star:x:1003:1003::/home/star:/bin/sh",
		"empty:x:1004:1004::/home/empty:/bin/sh",
		"expired:x:1005:1005::/home/expired:/bin/sh",
		"forced:x:1006:1006::/home/forced:/bin/sh",
		"aged:x:1007:1007::/home/aged:/bin/sh",
		"inpasswd:" + md5 + ":1008:1008::/home/inpasswd:/bin/sh",
		"noshadow:x:1009:1009::/home/noshadow:/bin/sh",
		"broken:x:notanumber:1010::/home/broken:/bin/sh",
		"des:x:1011:1011::/home/des:/bin/sh",
		"future:x:1012:1012::/home/future:/bin/sh",
		"bc:x:1013:1013::/home/bc:/bin/sh",
		"+nisuser::::::",
		"",
	}, "\n")
	shadow := strings.Join([]string{
		"alice:" + sha + ":20000:0:99999:7:::",
		"locked:!" + sha + ":20000:0:99999:7:::",
		"star:*:20000:0:99999:7:::",
		"empty::20000:0:99999:7:::",
		"expired:" + sha + ":20000:0:99999:7::0:",
		"forced:" + sha + ":0:0:99999:7:::",
		"aged:" + sha + ":20000:0:90:7:::",
		"des:abJnggxhB/yWI:20000:0:99999:7:::",
		"future:" + sha + ":20000:0:99999:7::30000:",
		"bc:" + bc + ":20000:0:99999:7:::",
		"shadowonly:" + sha + ":20000:0:99999:7:::",
		"",
	}, "\n")
	db := writeDB(t, passwd, shadow)
	db.DummyHash = sha // keep this test quick; TestDummy covers the choice
	cases := []struct {
		user, pw   string
		allowEmpty bool
		want       error
	}{
		{"alice", "correct horse", false, nil},
		{"alice", "correct horsE", false, ErrWrongPassword},
		{"alice", "", false, ErrEmptyPassword},
		{"alice", "", true, ErrWrongPassword},
		{"nobody", "correct horse", false, ErrNoSuchUser},
		{"shadowonly", "correct horse", false, ErrNoSuchUser},
		{"alice:x", "correct horse", false, ErrNoSuchUser},
		{"", "", true, ErrNoSuchUser},
		{"nisuser", "", true, ErrNoSuchUser},
		{"locked", "correct horse", false, ErrLocked},
		{"star", "correct horse", false, ErrNoPassword},
		{"star", "*", false, ErrNoPassword},
		{"empty", "", true, nil},
		{"empty", "", false, ErrEmptyPassword},
		{"empty", "x", true, ErrWrongPassword},
		{"expired", "correct horse", false, ErrExpired},
		{"future", "correct horse", false, nil},
		{"forced", "correct horse", false, ErrPasswordExpired},
		{"forced", "wrong", false, ErrWrongPassword},
		{"aged", "correct horse", false, ErrPasswordExpired},
		{"inpasswd", "correct horse", false, nil},
		{"inpasswd", "wrong", false, ErrWrongPassword},
		{"noshadow", "x", false, ErrNoPassword},
		{"des", "correct horse", false, ErrUnsupportedScheme},
		{"bc", "correct horse", false, nil},
		{"bc", "incorrect horse", false, ErrWrongPassword},
	}
	for _, c := range cases {
		err := Check(db, c.user, c.pw, c.allowEmpty)
		if c.want == nil {
			if err != nil {
				t.Errorf("Check(%q, %q, %v) = %v, want success", c.user, c.pw, c.allowEmpty, err)
			}
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("Check(%q, %q, %v) = %v, want %v", c.user, c.pw, c.allowEmpty, err, c.want)
		}
	}

	// The malformed line is reported with file:line for its own user only.
	err := Check(db, "broken", "x", false)
	if err == nil || !strings.Contains(err.Error(), db.PasswdFile+":11: uid:") {
		t.Errorf("broken line: %v, want %s:11: uid: ...", err, db.PasswdFile)
	}

	a, err := db.Lookup("alice")
	if err != nil {
		t.Fatal(err)
	}
	if a.UID != 1001 || a.GID != 1001 || a.Home != "/home/alice" || a.Shell != "/bin/bash" || a.Gecos != "Alice,,," ||
		a.Shadow == nil || a.Shadow.LastChange != 20000 || a.Shadow.MaxAge != 99999 || a.Shadow.Inactive != -1 || a.Shadow.Expire != -1 {
		t.Errorf("Lookup(alice) = %+v %+v", a.User, a.Shadow)
	}
	if err := a.Valid(fixedNow); err != nil {
		t.Errorf("alice Valid: %v", err)
	}
	for user, want := range map[string]error{"locked": ErrLocked, "expired": ErrExpired} {
		a, err := db.Lookup(user)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Valid(fixedNow); !errors.Is(err, want) {
			t.Errorf("%s Valid = %v, want %v", user, err, want)
		}
	}
	// '*' stops passwords, not other methods.
	if a, _ := db.Lookup("star"); a == nil || a.Valid(fixedNow) != nil {
		t.Errorf("star should be valid for public-key logins")
	}
}

// TestCheckNoShadowFile: systems without /etc/shadow keep hashes in passwd.
func TestCheckNoShadowFile(t *testing.T) {
	md5 := vectorFor(t, "$1$", "correct horse")
	db := writeDB(t, "old:"+md5+":1000:1000::/home/old:/bin/sh\n", "")
	db.DummyHash = md5
	if err := Check(db, "old", "correct horse", false); err != nil {
		t.Errorf("hash in passwd: %v", err)
	}
	if err := Check(db, "old", "correct", false); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	// An unreadable shadow file (here: a directory) still gives the
	// account, but no password login.
	db.ShadowFile = t.TempDir()
	a, err := db.Lookup("old")
	if err != nil || a.ShadowErr == nil {
		t.Errorf("Lookup with an unreadable shadow file: %+v, %v", a, err)
	}
	if err := Check(db, "old", "correct horse", false); err == nil || !strings.Contains(err.Error(), db.ShadowFile) {
		t.Errorf("Check with an unreadable shadow file: %v", err)
	}
	db.PasswdFile += ".missing"
	if err := Check(db, "old", "correct horse", false); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing passwd file: %v", err)
	}
}

func TestReadFilesNameLine(t *testing.T) {
	db := writeDB(t, "a:x:1:1::/:/bin/sh\n\nb:x:2:2::/\n", "a:*:1:2:3:4:5:6:\nb:*:1:2:3:4:5:6\n")
	if _, err := ReadPasswd(db.PasswdFile); err == nil || err.Error() != db.PasswdFile+":3: passwd entry has 6 fields, want 7" {
		t.Errorf("ReadPasswd: %v", err)
	}
	if _, err := ReadShadow(db.ShadowFile); err == nil || err.Error() != db.ShadowFile+":2: shadow entry has 8 fields, want 9" {
		t.Errorf("ReadShadow: %v", err)
	}
	db = writeDB(t, "a:x:1:1::/:/bin/sh\n", "a:*:1:x:3:4:5:6:\n")
	if _, err := ReadShadow(db.ShadowFile); err == nil || err.Error() != db.ShadowFile+`:1: minimum age: "x" is not a number of days` {
		t.Errorf("ReadShadow: %v", err)
	}
	if err := Check(db, "a", "pw", false); err == nil || !strings.HasPrefix(err.Error(), db.ShadowFile+":1: minimum age") {
		t.Errorf("Check with a bad shadow line: %v", err)
	}
}

// TestDummy: the dummy hash follows the shadow file's most common scheme and
// cost, and is itself a hash this package can run.
func TestDummy(t *testing.T) {
	sha := vectorFor(t, "$5$", "correct horse")
	y := vectorFor(t, "$y$", "correct horse")
	bc := vectorFor(t, "$2b$", "correct horse")
	shadow := "a:" + sha + ":1:0:99999:7:::\nb:" + y + ":1:0:99999:7:::\nc:" + y + ":1:0:99999:7:::\nd:!" + sha + ":1::::::\ne:*:1::::::\nf:" + bc + ":1::::::\n"
	db := writeDB(t, "a:x:1:1::/:/bin/sh\n", shadow)
	_, dummy, err := db.lookup("zed", true)
	if !errors.Is(err, ErrNoSuchUser) || !strings.HasPrefix(dummy, "$y$j9T$") {
		t.Errorf("dummy = %q, %v; want $y$j9T$...", dummy, err)
	}
	for _, h := range []string{y, sha, bc, "$1$abc$def", "$6$rounds=12345$abc$def", "$y$j75/.$abcd$def"} {
		c := costClass(h)
		if c == "" {
			t.Errorf("costClass(%q) is empty", h)
			continue
		}
		d := dummyFor(c)
		if _, err := parseHash(d); err != nil || costClass(d) != c {
			t.Errorf("dummyFor(%q) = %q: %v, class %q", c, d, err, costClass(d))
		}
	}
	db = writeDB(t, "a:x:1:1::/:/bin/sh\n", "a:*:1::::::\n")
	if _, dummy, _ := db.lookup("zed", true); dummy != defaultDummy {
		t.Errorf("no hashes: dummy %q, want the default", dummy)
	}
	db.DummyHash = sha
	if _, dummy, _ := db.lookup("zed", true); dummy != sha {
		t.Errorf("DummyHash set: dummy %q, want %q", dummy, sha)
	}
	db.DummyHash = "*"
	if _, dummy, _ := db.lookup("zed", true); dummy != defaultDummy {
		t.Errorf("DummyHash unusable: dummy %q, want the default", dummy)
	}
}

// TestEveryPathHashesOnce: a wrong password, an unknown user, a locked
// user, a password-less account, an account with no usable hash and the
// right password each compute exactly one hash, of the cost class of the
// real users' hashes, so the time Check takes does not tell them apart.
// Hashes are counted, not timed: a clock on a shared machine measures the
// load as much as the code.
func TestEveryPathHashesOnce(t *testing.T) {
	y := vectorFor(t, "$y$", "correct horse")
	db := writeDB(t, "alice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n"+
		"carol:x:1003:1003::/home/carol:/bin/sh\ndave:x:1004:1004::/home/dave:/bin/sh\n",
		"alice:"+y+":20000:0:99999:7:::\nbob:!"+y+":20000:0:99999:7:::\ncarol::20000:0:99999:7:::\ndave:*:20000:0:99999:7:::\n")
	var mu sync.Mutex
	var seen []string
	defer ObserveHashes(func(class string) { mu.Lock(); seen = append(seen, class); mu.Unlock() })()
	want := costClass(y)
	for _, c := range []struct{ user, pw string }{
		{"alice", "wrong password"}, {"alice", "correct horse"}, {"nosuchuser", "x"},
		{"bob", "correct horse"}, {"carol", "x"}, {"dave", "x"},
	} {
		seen = nil
		err := Check(db, c.user, c.pw, false)
		mu.Lock()
		got := seen
		mu.Unlock()
		if len(got) != 1 || got[0] != want {
			t.Errorf("Check(%s, %q) = %v computed hashes of classes %q, want exactly one %q", c.user, c.pw, err, got, want)
		}
	}
}

// TestSystemAccounts sets passwords with chpasswd on throwaway accounts and
// checks them against the real /etc/passwd and /etc/shadow, then locks,
// expires and empties them with the system's tools.
func TestSystemAccounts(t *testing.T) {
	testenv.NeedCmd(t, "chpasswd")
	db := System()
	u := testenv.NewUser(t, "")
	for _, method := range []string{"YESCRYPT", "SHA512", "SHA256", "MD5"} {
		pw := "pw for " + method + " ü"
		u.SetPassword(t, pw, method)
		a, err := db.Lookup(u.Name)
		if err != nil {
			t.Fatal(err)
		}
		if a.UID != u.UID || a.GID != u.GID || a.Home != u.Home || a.Shadow == nil {
			t.Fatalf("Lookup(%s) = %+v", u.Name, a)
		}
		prefix := map[string]string{"YESCRYPT": "$y$", "SHA512": "$6$", "SHA256": "$5$", "MD5": "$1$"}[method]
		if !strings.HasPrefix(a.Hash(), prefix) {
			t.Fatalf("chpasswd -c %s wrote %q", method, a.Hash())
		}
		if err := Check(db, u.Name, pw, false); err != nil {
			t.Errorf("%s: correct password refused: %v", method, err)
		}
		if err := Check(db, u.Name, pw+"!", false); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("%s: wrong password: %v", method, err)
		}
	}

	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	const pw = "pw for MD5 ü" // the last one set above
	run("usermod", "-L", u.Name)
	if err := Check(db, u.Name, pw, false); !errors.Is(err, ErrLocked) {
		t.Errorf("after usermod -L: %v", err)
	}
	run("usermod", "-U", u.Name)
	if err := Check(db, u.Name, pw, false); err != nil {
		t.Errorf("after usermod -U: %v", err)
	}
	run("chage", "-E", "0", u.Name)
	if err := Check(db, u.Name, pw, false); !errors.Is(err, ErrExpired) {
		t.Errorf("after chage -E 0: %v", err)
	}
	run("chage", "-E", "-1", u.Name)
	run("chage", "-d", "0", u.Name)
	if err := Check(db, u.Name, pw, false); !errors.Is(err, ErrPasswordExpired) {
		t.Errorf("after chage -d 0: %v", err)
	}
	run("passwd", "-d", u.Name)
	if err := Check(db, u.Name, "", true); !errors.Is(err, ErrPasswordExpired) {
		t.Errorf("empty password, change forced: %v", err)
	}
	run("chage", "-d", time.Now().UTC().Format("2006-01-02"), u.Name)
	if err := Check(db, u.Name, "", true); err != nil {
		t.Errorf("empty password with PermitEmptyPasswords: %v", err)
	}
	if err := Check(db, u.Name, "", false); !errors.Is(err, ErrEmptyPassword) {
		t.Errorf("empty password without PermitEmptyPasswords: %v", err)
	}
	if err := Check(db, u.Name+"nope", pw, false); !errors.Is(err, ErrNoSuchUser) {
		t.Errorf("unknown user: %v", err)
	}
}
