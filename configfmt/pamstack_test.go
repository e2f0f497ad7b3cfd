package configfmt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pamFixture lays out a PAM directory and limits.conf in a temp dir and
// points the package at them.
func pamFixture(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "pam.d"), 0o755)
	os.MkdirAll(filepath.Join(dir, "security", "limits.d"), 0o755)
	for name, text := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	oldDir, oldLimits, oldSE := PAMDir, LimitsConf, SELinuxEnforce
	PAMDir = filepath.Join(dir, "pam.d")
	LimitsConf = filepath.Join(dir, "security", "limits.conf")
	SELinuxEnforce = filepath.Join(dir, "enforce")
	t.Cleanup(func() { PAMDir, LimitsConf, SELinuxEnforce = oldDir, oldLimits, oldSE })
	return dir
}

// Debian 12's stock stack, as /etc/pam.d ships it.
var debianPAM = map[string]string{
	"pam.d/sshd": `# PAM configuration for the Secure Shell service
@include common-auth
account    required     pam_nologin.so
@include common-account
session [success=ok ignore=ignore module_unknown=ignore default=bad]        pam_selinux.so close
session    required     pam_loginuid.so
session    optional     pam_keyinit.so force revoke
@include common-session
session    optional     pam_motd.so  motd=/run/motd.dynamic
session    optional     pam_motd.so noupdate
session    optional     pam_mail.so standard noenv # [1]
session    required     pam_limits.so
session    required     pam_env.so # [1]
session    required     pam_env.so user_readenv=1 envfile=/etc/default/locale
session [success=ok ignore=ignore module_unknown=ignore default=bad]        pam_selinux.so open
@include common-password
`,
	"pam.d/common-auth":     "auth\t[success=1 default=ignore]\tpam_unix.so nullok\nauth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so\nauth\toptional\t\t\tpam_cap.so\n",
	"pam.d/common-account":  "account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so\naccount\trequisite\t\t\tpam_deny.so\naccount\trequired\t\t\tpam_permit.so\n",
	"pam.d/common-session":  "session\t[default=1]\t\t\tpam_permit.so\nsession\trequisite\t\t\tpam_deny.so\nsession\trequired\t\t\tpam_permit.so\nsession\trequired\tpam_unix.so\nsession\toptional\tpam_systemd.so\n",
	"pam.d/common-password": "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\npassword\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so\n",
	"security/limits.conf":  "# /etc/security/limits.conf\n#*               soft    core            0\n",
}

func TestUsePAMStack(t *testing.T) {
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range debianPAM {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string // "" accepted, else a part of the refusal
	}{
		{"debian stock", debianPAM, ""},
		{"no sshd service", map[string]string{"pam.d/other": "auth required pam_deny.so\n"}, ""},
		{"pam_access", with(map[string]string{"pam.d/sshd": debianPAM["pam.d/sshd"] + "account required pam_access.so\n"}),
			"pam.d/sshd:17: pam_access.so may restrict logins"},
		{"optional-prefixed module in an include", with(map[string]string{"pam.d/common-auth": "-auth required pam_faillock.so preauth\n"}),
			"pam.d/common-auth:1: pam_faillock.so"},
		{"substack", with(map[string]string{"pam.d/sshd": "auth substack extra\n", "pam.d/extra": "auth required /lib/security/pam_google_authenticator.so\n"}),
			"pam.d/extra:1: pam_google_authenticator.so"},
		{"bare pam_deny", with(map[string]string{"pam.d/sshd": "account required pam_deny.so\n"}),
			"pam.d/sshd:1: pam_deny.so denies"},
		{"a limit set", with(map[string]string{"security/limits.d/90-x.conf": "# c\n@students hard maxlogins 2\n"}),
			"limits.d/90-x.conf:2"},
		{"selinux enforcing", with(map[string]string{"enforce": "1\n"}), "pam_selinux.so sets SELinux contexts"},
		{"include loop", map[string]string{"pam.d/sshd": "@include sshd\n"}, "nested too deeply"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pamFixture(t, c.files)
			err := checkUsePAM([]string{"yes"})
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
			if err := checkUsePAM([]string{"no"}); err != nil {
				t.Errorf("UsePAM no: %v", err)
			}
		})
	}
}

// sshd -t's path: a config saying UsePAM yes over a stack sshbox cannot
// stand in for fails with the config line and the PAM line.
func TestUsePAMRefusedInConfig(t *testing.T) {
	dir := pamFixture(t, map[string]string{"pam.d/sshd": "account required pam_access.so\n"})
	cfg := filepath.Join(dir, "sshd_config")
	os.WriteFile(cfg, []byte("Port 22\nUsePAM yes\n"), 0o644)
	_, err := LoadServer(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), cfg+":2") || !strings.Contains(err.Error(), "pam_access.so") {
		t.Fatalf("LoadServer: %v", err)
	}
}
