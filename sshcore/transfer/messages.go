package transfer

// Texts the transfer engine shows users; the applets add the program name.
const (
	msgSubsystem  = "subsystem request failed on channel 0"
	msgSFTPInit   = "Connection closed: %v"
	msgProgram    = "%s: %v"
	msgNotRegular = "%s: not a regular file"
)
