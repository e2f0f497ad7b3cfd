package server

import "testing"

func TestUserName(t *testing.T) {
	for sent, want := range map[string]string{"alice": "alice", "alice:pam": "alice", "alice:": "alice:", ":x": "", "a:b:c": "a"} {
		if got := userName(sent); got != want {
			t.Errorf("userName(%q) = %q, want %q", sent, got, want)
		}
	}
}
