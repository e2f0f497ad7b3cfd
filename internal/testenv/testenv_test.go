package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// TestNewUserRemovesAgentDirs: when the test that made a throwaway
// account ends, the account and the forwarded-agent directory a server
// left for it in the temporary directory are gone, and another owner's
// directory of the same form stays.
func TestNewUserRemovesAgentDirs(t *testing.T) {
	var theirs string
	mine, err := os.MkdirTemp("", "ssh-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(mine)
	t.Run("account", func(t *testing.T) {
		u := NewUser(t, "")
		d, err := os.MkdirTemp("", "ssh-")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "agent.127.0.0.1"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, u.UID, u.GID); err != nil {
			t.Fatal(err)
		}
		theirs = d
	})
	if _, err := os.Stat(theirs); !os.IsNotExist(err) {
		os.RemoveAll(theirs)
		t.Errorf("%s outlived its account: %v", theirs, err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("%s, root's, was removed: %v", mine, err)
	}
}
