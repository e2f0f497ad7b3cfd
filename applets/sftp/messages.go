package sftp

// Every text the sftp applet shows a user lives here, in OpenSSH sftp's
// words.

const usage = `usage: sftp [-46AaCfNpqrv] [-B buffer_size] [-b batchfile] [-c cipher]
          [-D sftp_server_command] [-F ssh_config] [-i identity_file]
          [-J destination] [-l limit] [-o ssh_option] [-P port]
          [-R num_requests] [-S program] [-s subsystem | sftp_server]
          [-X sftp_option] destination`

const helpText = `Available commands:
bye                                Quit sftp
cd path                            Change remote directory to 'path'
chgrp [-h] grp path                Change group of file 'path' to 'grp'
chmod [-h] mode path               Change permissions of file 'path' to 'mode'
chown [-h] own path                Change owner of file 'path' to 'own'
copy oldpath newpath               Copy remote file
cp oldpath newpath                 Copy remote file
df [-hi] [path]                    Display statistics for current directory or
                                   filesystem containing 'path'
exit                               Quit sftp
get [-afpR] remote [local]         Download file
help                               Display this help text
lcd path                           Change local directory to 'path'
lls [ls-options [path]]            Display local directory listing
lmkdir path                        Create local directory
ln [-s] oldpath newpath            Link remote file (-s for symlink)
lpwd                               Print local working directory
ls [-1afhlnrSt] [path]             Display remote directory listing
lumask umask                       Set local umask to 'umask'
mkdir path                         Create remote directory
progress                           Toggle display of progress meter
put [-afpR] local [remote]         Upload file
pwd                                Display remote working directory
quit                               Quit sftp
reget [-fpR] remote [local]        Resume download file
rename oldpath newpath             Rename remote file
reput [-fpR] local [remote]        Resume upload file
rm path                            Delete remote file
rmdir path                         Remove remote directory
symlink oldpath newpath            Symlink remote file
version                            Show SFTP version
!command                           Execute 'command' in local shell
!                                  Escape to local shell
?                                  Synonym for help`

const (
	msgConnected     = "Connected to %s."
	msgAttached      = "Attached to %s."
	msgTransportGone = "\rConnection closed.  \n"
	msgConnClosed    = "Connection closed"
	msgBatchOpen     = "%s (%s)."
	msgInvalidCmd    = "Invalid command."
	msgBadFlag       = "%s: Invalid flag -%c"
	msgNeedOne       = "You must specify at least one path after a %s command."
	msgNeedPath      = "You must specify a path after a %s command."
	msgNeedTwo       = "You must specify two paths after a %s command."
	msgNeedMode      = "You must supply a numeric argument to the %s command."
	msgCantLs        = "Can't ls: \"%s\" not found"
	msgNotFound      = "File \"%s\" not found."
	msgNotModified   = "File \"%s\" was not modified"
	msgRetrieving    = "Retrieving %s"
	msgEntering      = "Entering %s"
	msgCanonDown     = "download \"%s\": path canonicalization failed"
	msgCanonUp       = "upload \"%s\": path canonicalization failed"
	msgStatLocal     = "stat %s: %s"
	msgLocalNotReg   = "local \"%s\" is not a regular file"
	msgFetching      = "Fetching %s to %s"
	msgResuming      = "Resuming %s to %s"
	msgUploading     = "Uploading %s to %s"
	msgResumingUp    = "Resuming upload of %s to %s"
	msgNotDirTarget  = "Multiple source paths, but destination \"%s\" is not a directory"
	msgSkipDir       = "download %s/: not a regular file"
	msgRemoteWD      = "Remote working directory: %s"
	msgLocalWD       = "Local working directory: %s"
	msgCantCD        = "Can't change directory: \"%s\" is not a directory"
	msgStat          = "stat remote: %s"
	msgRealpath      = "realpath %s: %s"
	msgLocalCD       = "Couldn't change local directory to \"%s\": %s"
	msgRemoteOp      = "remote %s \"%s\": %s"
	msgRemoteDelete  = "remote delete %s: %s"
	msgRemoteTwo     = "remote %s \"%s\" to \"%s\": %s"
	msgRemoteSymlink = "remote symlink file \"%s\" to \"%s\": %s"
	msgLocalMkdir    = "Couldn't create local directory \"%s\": %s"
	msgVersion       = "SFTP protocol version 3"
	msgProgressOn    = "Progress meter enabled"
	msgProgressOff   = "Progress meter disabled"
	msgShellStatus   = "Shell exited with status %d"
	msgNoStatVFS     = "Server does not support the statvfs@openssh.com extension"
	msgNoLsetstat    = "Server does not support lsetstat@openssh.com extension"
	msgBadNumber     = "Invalid number of requests \"%s\""
	msgBadBuffer     = "Invalid buffer size \"%s\""
	msgFetchDir      = "Fetching %s to %s"
	msgBadPort       = "Bad port \"%s\"\n"
)
