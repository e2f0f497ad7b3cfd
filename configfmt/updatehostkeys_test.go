package configfmt

import "testing"

// TestUpdateHostKeysDefault: the default follows ssh_config(5) as OpenSSH
// 9 applies it (checked against its ssh -G): yes only while known_hosts
// is the default file and VerifyHostKeyDNS is off; ask is off in batch
// mode-like situations where nobody can answer.
func TestUpdateHostKeysDefault(t *testing.T) {
	for _, tc := range []struct {
		overrides []string
		want      string
	}{
		{nil, "yes"},
		{[]string{"UserKnownHostsFile=/tmp/x"}, "no"},
		{[]string{"UserKnownHostsFile=~/.ssh/known_hosts"}, "yes"},
		{[]string{"UserKnownHostsFile=~/.ssh/known_hosts ~/.ssh/known_hosts2"}, "no"},
		{[]string{"VerifyHostKeyDNS=yes"}, "no"},
		{[]string{"VerifyHostKeyDNS=ask"}, "no"},
		{[]string{"UserKnownHostsFile=/tmp/x", "UpdateHostKeys=yes"}, "yes"},
		{[]string{"UpdateHostKeys=no"}, "no"},
		{[]string{"UpdateHostKeys=ask"}, "ask"},
		{[]string{"UpdateHostKeys=ask", "RemoteCommand=true"}, "no"},
	} {
		o, err := LoadClient(nil, tc.overrides, "h", "u")
		if err != nil {
			t.Fatal(err)
		}
		if got := o.UpdateHostKeys(); got != tc.want {
			t.Errorf("%q: UpdateHostKeys %s, want %s", tc.overrides, got, tc.want)
		}
	}
}
