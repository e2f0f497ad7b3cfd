package ssh

import (
	"regexp"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestFlagNamesAsUpstream: scripts/xcrypto builds urfave/cli with its one
// regular expression, "[, ]+.*" replaced by "" in every flag name (v1's
// "name, n" form cut at the comma), written out as code, so that the
// binary carries no regexp package; cli.FlagNames must still cut each name
// as the expression did.
func TestFlagNamesAsUpstream(t *testing.T) {
	re := regexp.MustCompile("[, ]+.*")
	names := []string{"", "v", "verbose", "verbose, v", "a,b", "a ,b", " a", ",", "a, b\nc, d", "a\n, b", "o", "x  y,z", "a\n\nb c"}
	for _, name := range names {
		got := cli.FlagNames(name, []string{name + " alias", "q"})
		want := []string{re.ReplaceAllString(name, ""), re.ReplaceAllString(name+" alias", ""), "q"}
		if len(got) != len(want) {
			t.Fatalf("FlagNames(%q): %q, want %q", name, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("FlagNames(%q): %q, want %q", name, got, want)
				break
			}
		}
	}
}
