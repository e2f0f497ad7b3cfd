package transfer

// Texts the transfer engine shows users; the applets add the program name.
const (
	msgSubsystem  = "subsystem request failed on channel 0"
	msgSFTPInit   = "Connection closed: %v"
	msgProgram    = "%s: %v"
	msgNotRegular = "%s: not a regular file"
	msgIsDir      = "%s: is a directory"
	msgNoRecurse  = "%s: not a regular file" // a directory without -r
	msgProtocol   = "protocol error: %s"
	msgWrite      = "%s: %s"
)
