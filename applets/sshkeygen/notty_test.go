package sshkeygen

import "syscall"

// noTTY starts the child in a new session so /dev/tty is not ours.
func noTTY() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
