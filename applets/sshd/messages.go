package sshd

import "errors"

// Texts the sshd applet prints itself; the daemon's log lines live in
// sshcore/server/messages.go.

// errBadPort is a -p value that is no port number.
var errBadPort = errors.New(msgBadPort)

const (
	usageText = `usage: sshd [-46DdeiqTtV] [-C connection_spec] [-E log_file] [-f config_file]
            [-h host_key_file] [-o option] [-p port]`
	msgBadPort      = "Bad port number."
	msgPidFile      = "Couldn't create pid file \"%s\": %v"
	msgLogFile      = "Couldn't open logfile %s: %v"
	msgConfigReload = "Received SIGHUP; re-reading configuration."
	msgReloadFailed = "Configuration reload failed, keeping the old one: %v"
	msgTerminating  = "Received signal %d; terminating."
	msgDraining     = "Listeners closed; process %d serves its %d open connection(s) until they end (SIGTERM to it ends them now)."
	msgAnchorGone   = "Anchor process %d has exited; terminating."
	msgListenFDs    = "LISTEN_FDS=%q is not a count of sockets"
	msgListenFD     = "socket %d from the service manager: %v"
)

// msgBadIdleTimeout is an IdleTimeoutArg whose value is no count of
// seconds (only the dropbear applet writes one, after checking it).
const msgBadIdleTimeout = "sshd: bad idle timeout %s (seconds)"

// msgBadRootKeys is a RootKeysArg that names no absolute path.
const msgBadRootKeys = "sshd: %s is not an absolute path"

// msgBadInternal is an argument that starts like one of the applets'
// (PassEnvArg with something after it).
const msgBadInternal = "sshd: unknown argument %s"
