package sshagent

// The texts ssh-agent prints, as OpenSSH's ssh-agent prints them.
const (
	msgUsage = `usage: ssh-agent [-c | -s] [-Dd] [-a bind_address] [-E fingerprint_hash]
                 [-O option] [-P allowed_providers] [-t life]
       ssh-agent [-a bind_address] [-E fingerprint_hash] [-O option]
                 [-P allowed_providers] [-t life] command [arg ...]
       ssh-agent [-c | -s] -k
`
	msgInvalidLifetime = "Invalid lifetime\n"
	// fatal() and error() lines end in "\r\n", as OpenSSH's log.c ends them.
	msgBadHash   = "Invalid hash algorithm \"%s\"\r\n"
	msgBadOption = "Unknown -O option\r\n"

	// Shell output: csh and Bourne forms.
	fmtSetCsh   = "setenv %s %s;\n"
	fmtSetSh    = "%s=%s; export %s;\n"
	fmtUnsetCsh = "unsetenv %s;\n"
	fmtUnsetSh  = "unset %s;\n"
	msgPid      = "echo Agent pid %d;\n"
	msgKilled   = "echo Agent pid %d killed;\n"

	msgNoPid   = "SSH_AGENT_PID not set, cannot kill agent\n"
	msgBadPid  = "SSH_AGENT_PID=\"%s\", which is not a good PID: %s\n"
	msgKill    = "kill: %s\n"
	msgBind    = "unix_listener: cannot bind to path %s: %s\r\n"
	msgMkdtemp = "mkdtemp: private socket dir: %s\n"
	msgExecvp  = "execvp: %s\n"
	msgFork    = "fork: %s\n"
)
