package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sshbox/internal/manpage"
	"sshbox/internal/testenv"
)

// TestHelpIsUsageOnStderr: every applet answers --help with its usage on
// standard error, nothing on standard output, and the status its program
// gives a usage error.
func TestHelpIsUsageOnStderr(t *testing.T) {
	status := map[string]int{"ssh": 255}
	for name := range applets {
		cmd := exec.Command(testenv.Bin(t, name), "--help")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		want, ok := status[name]
		if !ok {
			want = 1
		}
		if testenv.ExitCode(err) != want || stdout.Len() != 0 || !strings.HasPrefix(strings.ToLower(stderr.String()), "usage: ") {
			t.Errorf("%s --help: status %d (want %d), stdout %q, stderr %q", name, testenv.ExitCode(err), want, stdout.String(), stderr.String())
		}
	}
}

// flagRE finds the options a usage text names: -x, -xyz groups, --long.
var flagRE = regexp.MustCompile(`(?:^|[\s\[|])(--[a-z][a-z0-9-]*|-[A-Za-z0-9]+)`)

// usageFlags are the single flags an applet's usage names.
func usageFlags(usage string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range flagRE.FindAllStringSubmatch(usage, -1) {
		f := m[1]
		var list []string
		if strings.HasPrefix(f, "--") {
			list = []string{f}
		} else {
			for _, c := range f[1:] {
				list = append(list, "-"+string(c))
			}
		}
		for _, x := range list {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	return out
}

// TestManPagesListEveryFlag: --install --man writes a page per entry of
// manpage.Pages, each the roff go generate made (the release build carries
// them LZMA-packed), man -l renders each, and every flag an applet's usage
// names appears on its page on its own ("-x", not only inside a group).
func TestManPagesListEveryFlag(t *testing.T) {
	man := testenv.NeedCmd(t, "man")
	mandir, bindir := t.TempDir(), t.TempDir()
	if out, err := exec.Command(sshbox(t), "--install", "-s", "--man", mandir, bindir).CombinedOutput(); err != nil {
		t.Fatalf("--install --man: %v\n%s", err, out)
	}
	for _, p := range manpage.Pages {
		sub := "man" + p.FileName()[len(p.Name)+1:]
		path := filepath.Join(mandir, sub, p.FileName())
		want, _ := os.ReadFile(filepath.Join("internal/manpage/roff", sub, p.FileName()))
		if have, err := os.ReadFile(path); err != nil || len(want) == 0 || string(have) != string(want) {
			t.Errorf("%s: %v: installed %d bytes, internal/manpage/roff has %d", path, err, len(have), len(want))
		}
		cmd := exec.Command(man, "-l", path)
		cmd.Env = append(os.Environ(), "MANWIDTH=100", "MANPAGER=cat", "PAGER=cat")
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "NAME") {
			t.Errorf("man -l %s: %v\n%s", path, err, out)
			continue
		}
		if _, ok := applets[p.Name]; !ok {
			continue // ssh_config(5), sshd_config(5)
		}
		// man renders hyphens as U+2010 in some locales: compare in ASCII.
		text := strings.NewReplacer("\u2010", "-", "\u2212", "-").Replace(string(out))
		usage, _ := exec.Command(testenv.Bin(t, p.Name), "--help").CombinedOutput()
		for _, f := range usageFlags(string(usage)) {
			if !regexp.MustCompile(`(^|[^\w-])` + regexp.QuoteMeta(f) + `($|[^\w-])`).MatchString(text) {
				t.Errorf("%s: %s is in the usage but not on the page", p.FileName(), f)
			}
		}
	}
}

// TestEveryAppletHasAPage: the table of pages covers the table of applets.
func TestEveryAppletHasAPage(t *testing.T) {
	have := map[string]bool{}
	for _, p := range manpage.Pages {
		have[p.Name] = true
	}
	for name := range applets {
		if !have[name] {
			t.Errorf("no man page for %s", name)
		}
	}
}
