package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

func sshbox(t *testing.T) string { return testenv.Bin(t, "") }

func TestListNamesEveryApplet(t *testing.T) {
	out, err := exec.Command(sshbox(t), "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(string(out))
	for _, want := range []string{"known-hosts", "sftp-server", "ssh", "ssh-keygen", "sshd"} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("--list lacks %s: %q", want, out)
		}
	}
}

func TestEveryAppletAnswersVersionByNameAndByLink(t *testing.T) {
	bin := sshbox(t)
	for name := range applets {
		for _, argv := range [][]string{{bin, name, "-V"}, {testenv.Bin(t, name), "-V"}} {
			out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
			if err != nil {
				t.Errorf("%v: %v %s", argv, err, out)
				continue
			}
			if !strings.HasPrefix(string(out), "sshbox_0.") {
				t.Errorf("%v printed %q, want a line naming sshbox and its version", argv, out)
			}
		}
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.Contains(string(out), "sshbox_") {
		t.Errorf("--version: %v %q", err, out)
	}
}

func TestUnknownAppletIsUsageAndStatusOne(t *testing.T) {
	cmd := exec.Command(sshbox(t), "telnet")
	out, err := cmd.CombinedOutput()
	if testenv.ExitCode(err) != 1 {
		t.Fatalf("exit %v, want 1", err)
	}
	if !strings.Contains(string(out), "usage: sshbox") || !strings.Contains(string(out), "ssh-keygen") {
		t.Fatalf("no usage line listing the applets: %q", out)
	}
	// A link under an unknown name with no arguments is the same.
	dir := t.TempDir()
	link := filepath.Join(dir, "rlogin")
	if err := os.Symlink(sshbox(t), link); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command(link).Run(); testenv.ExitCode(err) != 1 {
		t.Fatalf("unknown link name: exit %v, want 1", err)
	}
}

func TestInstallMakesWorkingLinks(t *testing.T) {
	for _, symbolic := range []bool{true, false} {
		dir := t.TempDir()
		// Hard links need the same file system as the binary.
		bin := filepath.Join(dir, "sshbox")
		data, err := os.ReadFile(sshbox(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		linkDir := filepath.Join(dir, "bin")
		os.Mkdir(linkDir, 0o755)
		args := []string{"--install", linkDir}
		if symbolic {
			args = []string{"--install", "-s", linkDir}
		}
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
		for name := range applets {
			link := filepath.Join(linkDir, name)
			st, err := os.Lstat(link)
			if err != nil {
				t.Fatalf("%s missing: %v", name, err)
			}
			if symbolic != (st.Mode()&os.ModeSymlink != 0) {
				t.Errorf("%s: mode %v, symbolic=%v", name, st.Mode(), symbolic)
			}
			out, err := exec.Command(link, "-V").CombinedOutput()
			if err != nil || !strings.HasPrefix(string(out), "sshbox_") {
				t.Errorf("%s -V: %v %q", link, err, out)
			}
		}
		// Running it again replaces the links instead of failing.
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("second %v: %v %s", args, err, out)
		}
	}
	if err := exec.Command(sshbox(t), "--install", "/nonexistent/dir").Run(); testenv.ExitCode(err) != 1 {
		t.Fatalf("--install into a missing directory: %v, want exit 1", err)
	}
}

func TestStaticBuild(t *testing.T) {
	out, err := exec.Command("file", sshbox(t)).Output()
	if err != nil {
		// file(1) is not everywhere; readelf's program headers tell the same.
		out, err = exec.Command("readelf", "-l", sshbox(t)).Output()
		if err != nil {
			t.Fatalf("neither file nor readelf can inspect the binary: %v", err)
		}
		if strings.Contains(string(out), "INTERP") {
			t.Fatal("sshbox has a dynamic loader (INTERP header): not static")
		}
		return
	}
	if !strings.Contains(string(out), "statically linked") {
		t.Fatalf("not static: %s", out)
	}
}
