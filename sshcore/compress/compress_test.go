package compress

import (
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// TestMethods: OpenSSH's offers, and "none" alone in a build that cannot
// compress (a plain go build, without scripts/xcrypto).
func TestMethods(t *testing.T) {
	built := strings.Contains(os.Getenv("GOFLAGS"), "/x-crypto-")
	if Available() != built {
		t.Fatalf("Available() = %v with GOFLAGS %q", Available(), os.Getenv("GOFLAGS"))
	}
	for _, c := range []struct {
		got, want []string
	}{
		{ClientMethods(true), []string{"zlib@openssh.com", "zlib", "none"}},
		{ClientMethods(false), []string{"none", "zlib@openssh.com", "zlib"}},
		{ServerMethods(true), []string{"none", "zlib@openssh.com"}},
		{ServerMethods(false), []string{"none"}},
		{Supported(), []string{"none", "zlib@openssh.com", "zlib"}},
	} {
		want := c.want
		if !built {
			want = []string{"none"}
		}
		if !slices.Equal(c.got, want) {
			t.Errorf("%v, want %v", c.got, want)
		}
	}
	if Offer(&ssh.Config{}, ClientMethods(true)) != built {
		t.Errorf("Offer reports %v", !built)
	}
}

func TestLines(t *testing.T) {
	got := Stats{OutRaw: 1000, OutWire: 250, InRaw: 0, InWire: 0}.Lines()
	want := []string{
		"compress outgoing: raw data 1000, compressed 250, factor 0.25",
		"compress incoming: raw data 0, compressed 0, factor 0.00",
	}
	if !slices.Equal(got, want) {
		t.Errorf("%q", got)
	}
}
