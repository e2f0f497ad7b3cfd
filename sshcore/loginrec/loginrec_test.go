package loginrec

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

func tempFiles(t *testing.T) Files {
	dir := t.TempDir()
	f := Files{
		Utmp:    filepath.Join(dir, "utmp"),
		Wtmp:    filepath.Join(dir, "wtmp"),
		Btmp:    filepath.Join(dir, "btmp"),
		Lastlog: filepath.Join(dir, "lastlog"),
	}
	for _, p := range []string{f.Utmp, f.Wtmp, f.Btmp, f.Lastlog} {
		if err := os.WriteFile(p, nil, 0o664); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(testenv.NeedCmd(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestLoginShowsInWhoAndLast: the records are read back by util-linux's
// who and last, which is what proves the layout.
func TestLoginShowsInWhoAndLast(t *testing.T) {
	f := tempFiles(t)
	r := Record{User: "sbxuser", UID: 4242, PID: os.Getpid(), Line: "/dev/pts/7", Host: "192.0.2.9",
		Addr: net.ParseIP("192.0.2.9"), Time: time.Now().Add(-time.Minute)}
	last, err := f.Login(r)
	if err != nil {
		t.Fatal(err)
	}
	if !last.Time.IsZero() || last.Message() != "" {
		t.Errorf("first login has a last login: %+v", last)
	}
	if out := run(t, "who", f.Utmp); !strings.Contains(out, "sbxuser") || !strings.Contains(out, "pts/7") || !strings.Contains(out, "192.0.2.9") {
		t.Errorf("who after login:\n%s", out)
	}
	if out := run(t, "last", "-f", f.Wtmp); !strings.Contains(out, "sbxuser  pts/7") || !strings.Contains(out, "still logged in") && !strings.Contains(out, "gone - no logout") {
		// "gone - no logout": last's check of /proc/PID/loginuid against
		// a user that has no account.
		t.Errorf("last after login:\n%s\n%s", out, run(t, "utmpdump", f.Wtmp))
	}
	r.Time = time.Now()
	if err := f.Logout(r); err != nil {
		t.Fatal(err)
	}
	if out := run(t, "who", f.Utmp); strings.Contains(out, "sbxuser") {
		t.Errorf("who after logout:\n%s", out)
	}
	if out := run(t, "last", "-f", f.Wtmp); !strings.Contains(out, "sbxuser  pts/7") || strings.Contains(out, "logged in") || strings.Contains(out, "no logout") {
		t.Errorf("last after logout:\n%s", out)
	}

	// A second login reuses the utmp slot and reports the first.
	r2 := r
	r2.Line, r2.Host, r2.Addr = "/dev/pts/7", "2001:db8::5", net.ParseIP("2001:db8::5")
	prev, err := f.Login(r2)
	if err != nil {
		t.Fatal(err)
	}
	if prev.Host != "192.0.2.9" || prev.Line != "pts/7" || prev.Time.Unix() != time.Now().Add(-time.Minute).Unix() && prev.Time.Unix() < time.Now().Add(-2*time.Minute).Unix() {
		t.Errorf("previous login %+v", prev)
	}
	if m := prev.Message(); !strings.HasPrefix(m, "Last login: ") || !strings.HasSuffix(m, " from 192.0.2.9\r\n") {
		t.Errorf("message %q", m)
	}
	if st, _ := os.Stat(f.Utmp); st.Size() != utmpSize {
		t.Errorf("utmp is %d bytes after two logins on one line, want one record", st.Size())
	}
	if st, _ := os.Stat(f.Lastlog); st.Size() != int64(4243*lastlogSize) {
		t.Errorf("lastlog is %d bytes", st.Size())
	}
}

// TestFailedShowsInLastb: a failed login is in btmp as lastb reads it.
func TestFailedShowsInLastb(t *testing.T) {
	f := tempFiles(t)
	if err := f.Failed(Record{User: "nosuch", PID: 1, Host: "192.0.2.1", Addr: net.ParseIP("192.0.2.1"), Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if out := run(t, "lastb", "-f", f.Btmp); !strings.Contains(out, "nosuch   ssh:notty    192.0.2.1") {
		t.Errorf("lastb:\n%s", out)
	}
}

// TestMissingFilesAreNoError: an image without the files gets no records
// and no error, and nothing is created.
func TestMissingFilesAreNoError(t *testing.T) {
	dir := t.TempDir()
	f := Files{Utmp: filepath.Join(dir, "utmp"), Wtmp: filepath.Join(dir, "wtmp"), Btmp: filepath.Join(dir, "btmp"), Lastlog: filepath.Join(dir, "lastlog")}
	r := Record{User: "u", UID: 1, Line: "/dev/pts/1", Time: time.Now()}
	if _, err := f.Login(r); err != nil {
		t.Error(err)
	}
	if err := f.Logout(r); err != nil {
		t.Error(err)
	}
	if err := f.Failed(r); err != nil {
		t.Error(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files created: %v", ents)
	}
}
