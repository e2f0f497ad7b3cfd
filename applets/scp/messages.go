package scp

// Every text the scp applet shows a user lives here; the engine's are in
// sshcore/transfer.

const usage = `usage: scp [-346ABCOpqRrsTv] [-c cipher] [-D sftp_server_path] [-F ssh_config]
           [-i identity_file] [-J destination] [-l limit] [-o ssh_option]
           [-P port] [-S program] [-X sftp_option] source ... target`

const (
	msgBadPort = "bad port \"%s\"\n"
)
