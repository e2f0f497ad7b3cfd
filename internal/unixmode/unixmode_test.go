package unixmode

import (
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestPermAndString(t *testing.T) {
	for _, c := range []struct {
		m    fs.FileMode
		perm uint32
		str  string
	}{
		{0o644, 0o644, "-rw-r--r--"},
		{fs.ModeDir | 0o755, 0o755, "drwxr-xr-x"},
		{fs.ModeDir | fs.ModeSticky | 0o777, 0o1777, "drwxrwxrwt"},
		{fs.ModeDir | fs.ModeSticky | 0o776, 0o1776, "drwxrwxrwT"},
		{fs.ModeSetuid | 0o755, 0o4755, "-rwsr-xr-x"},
		{fs.ModeSetgid | 0o640, 0o2640, "-rw-r-S---"},
		{fs.ModeSymlink | 0o777, 0o777, "lrwxrwxrwx"},
		{fs.ModeNamedPipe | 0o600, 0o600, "prw-------"},
		{fs.ModeDevice | fs.ModeCharDevice | 0o666, 0o666, "crw-rw-rw-"},
		{fs.ModeDevice | 0o660, 0o660, "brw-rw----"},
		{fs.ModeSocket | 0o755, 0o755, "srwxr-xr-x"},
	} {
		if got := Perm(c.m); got != c.perm {
			t.Errorf("Perm(%v) = %o, want %o", c.m, got, c.perm)
		}
		if got := String(c.m); got != c.str {
			t.Errorf("String(%v) = %q, want %q", c.m, got, c.str)
		}
	}
}

// String agrees with ls on real files.
func TestStringAgreesWithLs(t *testing.T) {
	for _, p := range []string{"/tmp", "/dev/null", "/etc/passwd", "/"} {
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		out, err := exec.Command("ls", "-ld", p).Output()
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Fields(string(out))[0]; !strings.HasPrefix(want, String(fi.Mode())) {
			t.Errorf("%s: %q, ls says %q", p, String(fi.Mode()), want)
		}
	}
}
