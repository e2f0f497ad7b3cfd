package ssh

import (
	"testing"
	"time"

	"sshbox/configfmt"
)

func TestPersistTime(t *testing.T) {
	for in, want := range map[string]time.Duration{"no": 0, "0": 0, "yes": -1, "600": 10 * time.Minute} {
		if got := persistTime(&configfmt.ClientOptions{ControlPersist: in}); got != want {
			t.Errorf("ControlPersist %q: %v, want %v", in, got, want)
		}
	}
}
