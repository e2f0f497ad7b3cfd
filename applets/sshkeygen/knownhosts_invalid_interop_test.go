package sshkeygen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKnownHostsInvalidLineRefused: -R and -H on a known_hosts file with a
// line that does not parse print what OpenSSH's ssh-keygen prints, exit
// as it does, and leave the file byte-identical with no .old beside it.
func TestKnownHostsInvalidLineRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := filepath.Join(dir, "k")
	must(t, ossh(t, "-q", "-N", "", "-t", "ed25519", "-f", key), "key")
	pub := strings.Fields(readFile(t, key+".pub"))
	content := "host1 " + pub[0] + " " + pub[1] + "\nthis is not valid\n[host2]:2222 " + pub[0] + " " + pub[1] + "\n"
	for _, args := range [][]string{{"-R", "host1"}, {"-R", "nohost"}, {"-H"}, {"-Rhost1", "-q"}} {
		var results [2]result
		for i, run := range []func(*testing.T, ...string) result{sb, ossh} {
			f := filepath.Join(t.TempDir(), "known_hosts")
			os.WriteFile(f, []byte(content), 0o600)
			results[i] = run(t, append(args, "-f", f)...)
			results[i].err = strings.ReplaceAll(results[i].err, f, "FILE")
			if got := readFile(t, f); got != content {
				t.Errorf("%q changed the file:\n%s", args, got)
			}
			if _, err := os.Stat(f + ".old"); err == nil {
				t.Errorf("%q left %s.old", args, f)
			}
		}
		if results[0] != results[1] {
			t.Errorf("ssh-keygen %q: %+v\nOpenSSH: %+v", args, results[0], results[1])
		}
	}
}
