package main

import (
	"os"
	"testing"

	"sshbox/internal/testenv"
)

// TestMain removes the sshbox binary the tests built (testenv.Main).
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
