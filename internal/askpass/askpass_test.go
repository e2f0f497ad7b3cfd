package askpass

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRequire(t *testing.T) {
	for _, c := range []struct {
		display, wayland, require string
		allow, use                bool
	}{
		{"", "", "", false, false},
		{":0", "", "", true, false},
		{"", "wayland-0", "", true, false},
		{"", "", "force", true, true},
		{":0", "", "prefer", true, true},
		{"", "", "prefer", false, false},
		{":0", "", "never", false, false},
		{":0", "", "FORCE", true, true},
	} {
		t.Setenv("DISPLAY", c.display)
		t.Setenv("WAYLAND_DISPLAY", c.wayland)
		t.Setenv("SSH_ASKPASS_REQUIRE", c.require)
		if allow, use := Require(); allow != c.allow || use != c.use {
			t.Errorf("%+v: allow %v use %v", c, allow, use)
		}
	}
}

// Run reads the answer as ssh_askpass does and passes the hint;
// Permission allows an empty answer or yes, and nothing without a display.
func TestRunAndPermission(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "ap")
	script := "#!/bin/sh\n[ \"$SSH_ASKPASS_PROMPT\" = confirm ] || exit 3\nprintf '%s' \"$1\"\n"
	if err := os.WriteFile(prog, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if a, ok := Run(prog, "line one\r\nline two", "confirm"); !ok || a != "line one" {
		t.Errorf("Run: %q %v", a, ok)
	}
	if _, ok := Run(prog, "x", ""); ok {
		t.Error("a program exiting 3 answered")
	}
	t.Setenv("SSH_ASKPASS", prog)
	t.Setenv("SSH_ASKPASS_REQUIRE", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", ":0")
	for q, want := range map[string]bool{"": true, "yes": true, "YES": true, "no": false, "y": false} {
		if got := Permission(q); got != want {
			t.Errorf("Permission answered %q: %v", q, got)
		}
	}
	t.Setenv("DISPLAY", "")
	if Permission("yes") {
		t.Error("allowed without a display")
	}
}
