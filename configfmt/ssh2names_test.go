package configfmt

import (
	"reflect"
	"strings"
	"testing"
)

// TestSSH2UserPatterns: AllowUsers and its kin become OpenSSH patterns
// that mean what the file's REGEX-SYNTAX says, or are refused with the
// file and line when no OpenSSH pattern does.
func TestSSH2UserPatterns(t *testing.T) {
	const egrep = "## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n"
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"*:\nDenyUsers guest*,t?m,a.b\n", []string{"guest*", "t?m", "a.b"}},
		{egrep + "DenyUsers devil@evil\\.org,.*admin,op.\n", []string{"devil@evil.org", "*admin", "op?"}},
		{egrep + "DenyUsers sjl@\\m10.0.0.0/8\n", []string{"sjl@10.0.0.0/8"}},
		{egrep + "DenyUsers a\\-b_c\n", []string{"a-b_c"}},
	} {
		c, _, err := loadSSHD2(t, tc.text)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		o, _ := c.For(MatchConn{})
		if !reflect.DeepEqual(o.DenyUsers, tc.want) {
			t.Errorf("%q: DenyUsers %q, want %q", tc.text, o.DenyUsers, tc.want)
		}
	}
	for text, want := range map[string]string{
		egrep + "DenyUsers sj*\n":                                 `:3: DenyUsers: pattern "sj*": '*' has no OpenSSH pattern that means the same (egrep syntax)`,
		egrep + "AllowUsers s(jl|amza)\n":                         `:3: AllowUsers: pattern "s(jl|amza)": '('`,
		egrep + "AllowGroups \"s[[:digit:]]+\"\n":                 `:3: AllowGroups: pattern "s[[:digit:]]+": '['`,
		egrep + "DenyUsers a\\*b\n":                               `:3: DenyUsers: pattern "a\\*b": the escape \* is not supported by sshbox here`,
		"*:\nDenyUsers 1337\n":                                    `:2: DenyUsers: pattern "1337": a number alone (a UID or GID to SSH's server) is not supported by sshbox`,
		"*:\nDenyGroups adm[0-9]\n":                               `:2: DenyGroups: pattern "adm[0-9]": '['`,
		"*:\nAllowUsers sjl@\\i10.*\n":                            `:2: AllowUsers: pattern "sjl@\\i10.*": \i (the address only) is not supported by sshbox in user patterns`,
		"## VERSION 1.1\n## REGEX-SYNTAX ssh\n*:\nAllowUsers x\n": `:4: AllowUsers: patterns in REGEX-SYNTAX ssh are not supported by sshbox`,
	} {
		_, p, err := loadSSHD2(t, text)
		if err == nil || !strings.Contains(err.Error(), p+want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}
