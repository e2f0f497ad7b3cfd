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
	msgBadHash         = "Invalid hash algorithm \"%s\"\n"
	msgBadOption       = "Unknown -O option\n"

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
	msgBind    = "bind: %s\n"
	msgMkdtemp = "mkdtemp: private socket dir: %s\n"
	msgExecvp  = "execvp: %s\n"
	msgFork    = "fork: %s\n"
)
