package sshkeyscan

// The texts ssh-keyscan prints, as OpenSSH's ssh-keyscan prints them.
const (
	msgUsage = "usage: ssh-keyscan [-46cDHqv] [-f file] [-p port] [-T timeout] [-t type]\n" +
		"\t\t   [host | addrlist namelist]\n"
	msgBadPort        = "Bad port '%s'\n"
	msgBadTimeout     = "Bad timeout '%s'\n"
	msgUnknownType    = "Unknown key type \"%s\"\n"
	msgUnsupported    = "ssh-keyscan: key type %s is not supported by sshbox\n"
	msgOpenFile       = "ssh-keyscan: %s: %s\n"
	msgResolve        = "getaddrinfo %s: %s\n"
	msgComment        = "%c %s:%d %s\n"
	msgSSHFP          = "%s IN SSHFP %d %d %x\n"
	msgDebugConnected = "debug1: %s:%d: %s: %s\n"
)
