package server

import (
	"os"
	"testing"

	"sshbox/sshcore/asuser"
)

// The test binary doubles as sshbox for sshcore/asuser's helper, which
// re-executes "this binary".
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == asuser.HelperFlag {
		os.Exit(asuser.HelperMain(os.Args[2:]))
	}
	os.Exit(m.Run())
}
