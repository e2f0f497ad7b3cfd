package configfmt

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// sshbox has no PAM. `UsePAM yes` is still what Debian's stock
// sshd_config says, and refusing it would refuse every Debian system; but
// accepting it blindly would drop whatever the PAM stack adds (pam_access,
// pam_time, pam_faillock, a second factor...). So UsePAM yes is accepted
// only when the sshd PAM stack, read with its includes, holds nothing but
// modules whose effect sshbox reproduces or that restrict nothing; any other
// module refuses the configuration, naming the PAM file and line.

// PAM locations; tests point them at fixtures.
var (
	PAMDir     = "/etc/pam.d"
	LimitsConf = "/etc/security/limits.conf"
	// SELinuxEnforce exists (and reads "1") when SELinux enforces.
	SELinuxEnforce = "/sys/fs/selinux/enforce"
)

// pamModules are the modules UsePAM yes may stack, and why each is safe.
var pamModules = []struct{ name, why string }{
	{"pam_unix", "sshbox checks passwords, locked and expired accounts in /etc/shadow itself"},
	{"pam_nologin", "sshbox refuses non-root logins while /etc/nologin or /run/nologin exists"},
	{"pam_permit", "grants; restricts nothing"},
	{"pam_env", "sets environment variables only"},
	{"pam_motd", "prints the message of the day only"},
	{"pam_mail", "reports mail only"},
	{"pam_lastlog", "prints the last login only"},
	{"pam_loginuid", "sets the audit login uid only"},
	{"pam_keyinit", "gives the session a keyring only"},
	{"pam_systemd", "registers the session with logind only"},
	{"pam_umask", "sets the umask only"},
	{"pam_cap", "grants inheritable capabilities; restricts nothing"},
	{"pam_mkhomedir", "creates a missing home directory; sshbox refuses users without one instead"},
	{"pam_xauth", "copies X authority between users for su and sudo; restricts nothing"},
	// Checked further below: pam_deny, pam_limits, pam_selinux.
	{"pam_deny", ""},
	{"pam_limits", ""},
	{"pam_selinux", ""},
}

// knownPAMModule: pamModules lists name. (A list, not a map: a map literal
// is built by code at start-up.)
func knownPAMModule(name string) bool {
	for _, m := range pamModules {
		if m.name == name {
			return true
		}
	}
	return false
}

// checkPAMStack reads the sshd service's PAM stack and refuses it unless
// sshbox gives the same protection without PAM.
func checkPAMStack() error {
	path := filepath.Join(PAMDir, "sshd")
	if _, err := os.Stat(path); os.IsNotExist(err) {
		// No service file: PAM would use "other", which adds nothing sshbox
		// omits when it denies (and sshbox authenticates by itself).
		return nil
	}
	return checkPAMFile(path, 0)
}

func checkPAMFile(path string, depth int) error {
	if depth > 8 {
		return fmt.Errorf("UsePAM yes: %s: includes nested too deeply", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("UsePAM yes: cannot read the PAM stack: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	// jumped: the previous line's control skips lines on success
	// ([success=N ...]), the idiom Debian's common-* files use to step over
	// pam_deny.
	jumped := false
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := pamFields(line)
		if len(fields) == 0 {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, n)
		if fields[0] == "@include" {
			if len(fields) < 2 {
				return fmt.Errorf("UsePAM yes: %s: @include without a file", where)
			}
			if err := checkPAMFile(pamPath(fields[1]), depth+1); err != nil {
				return err
			}
			jumped = false
			continue
		}
		if len(fields) < 3 {
			return fmt.Errorf("UsePAM yes: %s: cannot parse %q", where, strings.TrimSpace(line))
		}
		control, module := fields[1], fields[2]
		if control == "include" || control == "substack" {
			if err := checkPAMFile(pamPath(module), depth+1); err != nil {
				return err
			}
			jumped = false
			continue
		}
		name := strings.TrimSuffix(filepath.Base(module), ".so")
		if !knownPAMModule(name) {
			return fmt.Errorf("UsePAM yes: %s: %s may restrict logins and sshbox has no PAM to run it: set UsePAM no, or remove the module", where, filepath.Base(module))
		}
		switch name {
		case "pam_deny":
			if !jumped {
				return fmt.Errorf("UsePAM yes: %s: pam_deny.so denies logins sshbox would allow: set UsePAM no, or remove the line", where)
			}
		case "pam_limits":
			if err := checkLimits(); err != nil {
				return fmt.Errorf("UsePAM yes: %s: pam_limits.so applies %v, which sshbox does not", where, err)
			}
		case "pam_selinux":
			if b, err := os.ReadFile(SELinuxEnforce); err == nil && strings.TrimSpace(string(b)) == "1" {
				return fmt.Errorf("UsePAM yes: %s: pam_selinux.so sets SELinux contexts, which sshbox does not", where)
			}
		}
		jumped = jumpsOnSuccess(control)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("UsePAM yes: %s: %v", path, err)
	}
	return nil
}

// jumpsOnSuccess: a bracketed control that skips the next line(s) when the
// module succeeds ("[success=1 default=ignore]", "[default=1]").
func jumpsOnSuccess(control string) bool {
	if !strings.HasPrefix(control, "[") {
		return false
	}
	for _, kv := range strings.Fields(strings.Trim(control, "[]")) {
		k, v, _ := strings.Cut(kv, "=")
		if (k == "success" || k == "default") && v != "" && v[0] >= '1' && v[0] <= '9' {
			return true
		}
	}
	return false
}

// pamPath: an include names a file in the PAM directory unless absolute.
func pamPath(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(PAMDir, name)
}

// pamFields splits a PAM line into words, keeping a bracketed control
// ("[success=1 default=ignore]") as one word, and drops a leading "-" of
// the type (a module that may be missing).
func pamFields(line string) []string {
	var out []string
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			break
		}
		end := strings.IndexAny(line, " \t")
		if line[0] == '[' {
			if j := strings.IndexByte(line, ']'); j >= 0 {
				end = j + 1
			}
		}
		if end < 0 {
			end = len(line)
		}
		out = append(out, line[:end])
		line = line[end:]
	}
	if len(out) > 0 {
		out[0] = strings.TrimPrefix(out[0], "-")
	}
	return out
}

// checkLimits fails on the first limit limits.conf or limits.d sets.
func checkLimits() error {
	more, _ := filepath.Glob(filepath.Join(filepath.Dir(LimitsConf), "limits.d", "*.conf"))
	for _, p := range append([]string{LimitsConf}, more...) {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			n++
			line := sc.Text()
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			if strings.TrimSpace(line) != "" {
				f.Close()
				return fmt.Errorf("the limit at %s:%d", p, n)
			}
		}
		f.Close()
	}
	return nil
}
