package configfmt

import (
	"os/exec"
	"strings"
	"testing"
)

// TestMatchConnEmptyItems: sshd -T -C stops at the first empty item of the
// specification, as OpenSSH's does, so "user=u," is user=u.
func TestMatchConnEmptyItems(t *testing.T) {
	dir := t.TempDir()
	key := hostKey(t, dir)
	file := writeFile(t, dir, "sshd_config", "Match User u\n\tMaxSessions 3\nMatch Address 10.0.0.1\n\tMaxAuthTries 2\n")
	for _, spec := range []string{"user=u,", "user=u,,addr=10.0.0.1", "addr=10.0.0.1,user=u,"} {
		m, err := ParseMatchConn(spec)
		if err != nil {
			t.Errorf("-C %s: %v", spec, err)
			continue
		}
		diffLines(t, "-C "+spec, opensshT(t, file, key, spec), ourT(t, file, key, m))
	}
}

// TestMatchAddressHostBits: a CIDR block with host bits set is refused, as
// OpenSSH's sshd refuses it, naming the line; a proper one loads.
func TestMatchAddressHostBits(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad", "Match Address 10.0.1.0/8\n\tMaxAuthTries 2\n")
	if _, err := LoadServer(bad, nil); err == nil || !strings.Contains(err.Error(), bad+":1:") {
		t.Errorf("10.0.1.0/8: %v", err)
	}
	if out, err := exec.Command("/usr/sbin/sshd", "-t", "-f", bad, "-h", hostKey(t, dir)).CombinedOutput(); err == nil {
		t.Errorf("OpenSSH's sshd accepts 10.0.1.0/8 here: %s", out)
	}
	for _, ok := range []string{"10.0.0.0/8", "10.0.1.5/32", "2001:db8::/32", "!192.168.0.0/16,10.*"} {
		good := writeFile(t, dir, "good", "Match Address "+ok+"\n\tMaxAuthTries 2\n")
		if _, err := LoadServer(good, nil); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// TestSetEnvFirstWins: a name given twice on a SetEnv line keeps its first
// value, in sshd -T as in OpenSSH's, and in ssh -G.
func TestSetEnvFirstWins(t *testing.T) {
	dir := t.TempDir()
	key := hostKey(t, dir)
	file := writeFile(t, dir, "sshd_config", "SetEnv A=1 B=2 A=3\n")
	diffLines(t, "SetEnv A=1 B=2 A=3", opensshT(t, file, key, ""), ourT(t, file, key, MatchConn{}))
	if got := firstOfEachName([]string{"A=1", "B=2", "A=3", "B"}); strings.Join(got, " ") != "A=1 B=2" {
		t.Errorf("firstOfEachName: %q", got)
	}
}
