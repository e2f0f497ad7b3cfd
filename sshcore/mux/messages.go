package mux

// The texts a user sees from a shared connection, in OpenSSH's mux.c
// wording; the -O answers are the ssh applet's.

const (
	// MsgForwardRefused: the master would not set a forwarding up.
	MsgForwardRefused   = "Master refused forwarding request: %v"
	msgMuxAllocatedPort = "Allocated port %d for mux remote forward to %s:%d"
	msgBadStdioSpec     = "Bad stdio forwarding specification '%s'"
	msgSessionDenied    = "Master refused session request: %s"
	msgSessionFailed    = "Session request failed: %s"
	msgSharedClosed     = "Shared connection to %s closed.\r\n"
	msgControlExists    = "ControlSocket %s already exists, disabling multiplexing"
)
