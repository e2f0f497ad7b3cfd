package transfer

// Texts the transfer engine shows users; the applets add the program name.
const (
	msgSubsystem   = "subsystem request failed on channel 0"
	msgSFTPInit    = "Connection closed: %v"
	msgProgram     = "%s: %v"
	msgNotRegular  = "%s: not a regular file"
	msgDownloadDir = "download %s: not a regular file"

	msgBadOperand = "%s: invalid %s"
	msgConnClosed = "Connection closed"
	msgNoMatch    = "%s: No such file or directory"
)

// Moving files, in the words of OpenSSH's sftp-client.c, which its sftp
// and its scp (SFTP mode) share.
const (
	msgOpenRemote      = "%s open \"%s\": %s" // "remote" (a download), "dest" (an upload), "origin" (-3's source)
	msgRelayNotRegular = "download \"%s\": not a regular file"
	msgOpenLocal       = "open local \"%s\": %s"
	msgLocalNotRegular = "local \"%s\" is not a regular file"
	msgResumeLarger    = "resume \"%s\": destination file same size or larger"
	msgMkdirLocal      = "mkdir %s: %s"
	msgStatRemoteFile  = "Couldn't stat remote file: %s"
	msgNotDirExists    = "\"%s\" exists but is not a directory"
	msgRealpath        = "realpath %s: %s"
	msgCanonUpload     = "upload \"%s\": path canonicalization failed"
)

// scp's own, in OpenSSH's scp's words.
const (
	msgVerifyDir     = "%s: %s\n" // verifydir's run_err, without the program's name
	msgLostConn      = "lost connection\n"
	msgRemoteMkdir   = "remote mkdir \"%s\": %s"
	msgStatLocal     = "stat local \"%s\": %s"
	msgUploadFailed  = "failed to upload %s %s to %s"
	msgMultipleMatch = "Multiple files match pattern, but destination \"%s\" is not a directory"
)

// sftp "copy" (copydata.go), in OpenSSH's sftp's words.
const (
	msgNoCopyData     = "Server does not support copy-data extension"
	msgStatRemote     = "stat remote: %s"
	msgCopyNotRegular = "Cannot copy non-regular file: %s"
	msgCopyOpen       = "remote open(\"%s\"): %v"
	msgCopyFailed     = "Couldn't copy file \"%s\" to \"%s\": %v"
)
