package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestScpTildeUserPaths: in SFTP mode "host:~user/file" is the server's to
// expand (expand-path@openssh.com), as OpenSSH's scp has it: sshbox's scp
// and OpenSSH's copy such paths both ways against OpenSSH's sshd and
// sshbox's (whose sftp-server now offers the extension), "~/" and "~"
// are the login directory, and an unknown user is refused with the same
// words by both clients.
func TestScpTildeUserPaths(t *testing.T) {
	t.Parallel()
	data := randomBytes(100000)
	servers := map[string]func(*testing.T) *sshEnv{
		"openssh-sshd": func(t *testing.T) *sshEnv { e, _ := openSSHEnv(t, ""); return e },
		"sshbox-sshd":  func(t *testing.T) *sshEnv { e, _ := sshboxEnv(t, ""); return e },
	}
	for name, start := range servers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := start(t)
			os.WriteFile(filepath.Join(e.user.Home, "src"), data, 0o644)
			os.Chown(filepath.Join(e.user.Home, "src"), e.user.UID, e.user.GID)
			src := filepath.Join(t.TempDir(), "local")
			os.WriteFile(src, data, 0o644)
			tilde := "~" + e.user.Name
			errs := map[string]string{}
			for _, client := range []string{testenv.NeedCmd(t, "scp"), testenv.Bin(t, "scp")} {
				who := filepath.Base(filepath.Dir(client))
				for _, remote := range []string{tilde + "/src", "~/src", tilde + "//src"} {
					got := filepath.Join(t.TempDir(), "got")
					if r := e.tool(client, "", append(e.xferArgs(), e.remote(remote), got)...); r.RC != 0 {
						t.Errorf("%s: scp %s: %d\n%s", who, remote, r.RC, r.Err)
					} else if b, _ := os.ReadFile(got); !bytes.Equal(b, data) {
						t.Errorf("%s: scp %s: %d bytes", who, remote, len(b))
					}
				}
				up := "up-" + who
				if r := e.tool(client, "", append(e.xferArgs(), src, e.remote(tilde+"/"+up))...); r.RC != 0 {
					t.Errorf("%s: scp to %s/%s: %d\n%s", who, tilde, up, r.RC, r.Err)
				} else if b, _ := os.ReadFile(filepath.Join(e.user.Home, up)); !bytes.Equal(b, data) {
					t.Errorf("%s: upload to %s/%s: %d bytes", who, tilde, up, len(b))
				}
				r := e.tool(client, "", append(e.xferArgs(), e.remote("~sbx-nosuchuser/x"), t.TempDir())...)
				if r.RC == 0 {
					t.Errorf("%s: an unknown user's path copied", who)
				}
				// OpenSSH's names itself as it was called (/usr/bin/scp).
				msg := strings.ReplaceAll(r.Err, "\r\n", "\n")
				errs[who] = strings.TrimPrefix(msg, filepath.Dir(client)+"/")
			}
			if len(errs) != 2 {
				t.Fatalf("clients: %v", errs)
			}
			var all []string
			for _, v := range errs {
				all = append(all, v)
			}
			if all[0] != all[1] || !strings.Contains(all[0], "expand ~sbx-nosuchuser/x: no such user") {
				t.Errorf("unknown user: the clients said %q", errs)
			}
		})
	}
}
