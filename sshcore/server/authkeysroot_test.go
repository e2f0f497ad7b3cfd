package server

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"sshbox/configfmt"
)

// TestRootAuthorizedKeysFile: with the dropbear applet's
// RootAuthorizedKeysFile, uid 0 (whatever its name) searches that file
// alone once it exists (a dangling link counts as existing: no keys, and
// no falling back), anyone else the configured files; until it exists,
// root keeps the configured ones too.
func TestRootAuthorizedKeysFile(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "dropbear", "authorized_keys")
	configured := &configfmt.ServerOptions{AuthorizedKeysFile: []string{"%h/keys"}}
	c := &conn{srv: &Server{RootAuthorizedKeysFile: root}}
	admit := func(name string, uid uint32) *admission {
		return &admission{name: name, acct: &account{Name: name, UID: uid, Home: "/home/" + name}}
	}
	check := func(what string, a *admission, opts *configfmt.ServerOptions, want []string) {
		t.Helper()
		if got := c.authorizedKeysFiles(a, opts); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	check("root, no file", admit("root", 0), configured, []string{"%h/keys"})
	check("root, no file, default", admit("root", 0), &configfmt.ServerOptions{}, defaultAuthorizedKeysFiles)

	os.MkdirAll(filepath.Dir(root), 0o700)
	os.Symlink(filepath.Join(dir, "nowhere"), root)
	check("root, dangling link", admit("root", 0), configured, []string{root})
	os.Remove(root)
	os.WriteFile(root, nil, 0o600)
	check("root", admit("root", 0), configured, []string{root})
	check("toor, uid 0", admit("toor", 0), configured, []string{root})
	check("a user", admit("user", 1000), configured, []string{"%h/keys"})
	check("no such user", &admission{name: "nobody-here"}, configured, []string{"%h/keys"})

	// The path is taken literally, not as an AuthorizedKeysFile pattern.
	odd := filepath.Join(dir, "100%h")
	os.WriteFile(odd, nil, 0o600)
	c.srv.RootAuthorizedKeysFile = odd
	files := c.authorizedKeysFiles(admit("root", 0), configured)
	if p, err := expandAuthKeysPath(files[0], &account{Name: "root", Home: "/root"}); err != nil || p != odd {
		t.Errorf("%q expands to %q, %v", odd, p, err)
	}
	c.srv.RootAuthorizedKeysFile = ""
	check("no RootAuthorizedKeysFile", admit("root", 0), configured, []string{"%h/keys"})
}
