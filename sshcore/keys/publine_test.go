package keys

import (
	"errors"
	"testing"
)

func TestParsePublicLine(t *testing.T) {
	const blob = "AAAAC3NzaC1lZDI1NTE5AAAAINfHCBZ6UIcREHJNgX+3wvrhofJKGVHu0v1WrG5/gE0M"
	k, comment, err := ParsePublicLine("  ssh-ed25519 " + blob + " \tthe  comment \r")
	if err != nil || k.Type() != "ssh-ed25519" || comment != "the  comment \r" {
		t.Errorf("%v %q %v", k, comment, err)
	}
	if _, comment, err := ParsePublicLine("ssh-ed25519 " + blob); err != nil || comment != "" {
		t.Errorf("no comment: %q %v", comment, err)
	}
	for line, want := range map[string]error{
		"junk":                         ErrInvalidFormat,
		"ssh-ed25519":                  ErrInvalidFormat,
		"ssh-ed25519 !!!":              ErrInvalidFormat,
		"ssh-rsa " + blob:              ErrKeyTypeMismatch,
		"ssh-ed25519 " + blob[:20]:     ErrIncomplete,
		`from="x" ssh-ed25519 ` + blob: ErrInvalidFormat,
	} {
		if _, _, err := ParsePublicLine(line); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", line, err, want)
		}
	}
}
