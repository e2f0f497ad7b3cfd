package transfer

// Texts the transfer engine shows users; the applets add the program name.
const (
	msgSubsystem   = "subsystem request failed on channel 0"
	msgSFTPInit    = "Connection closed: %v"
	msgProgram     = "%s: %v"
	msgNotRegular  = "%s: not a regular file"
	msgDownloadDir = "download %s: not a regular file"

	msgBadOperand   = "%s: invalid %s"
	msgConnClosed   = "Connection closed"
	msgNoMatch      = "%s: No such file or directory"
	msgTargetNotDir = "%s: Not a directory"
)

// sftp "copy" (copydata.go), in OpenSSH's sftp's words.
const (
	msgNoCopyData     = "Server does not support copy-data extension"
	msgStatRemote     = "stat remote: %s"
	msgCopyNotRegular = "Cannot copy non-regular file: %s"
	msgCopyOpen       = "%s open \"%s\": %v"
	msgCopyFailed     = "Couldn't copy file \"%s\" to \"%s\": %v"
)
