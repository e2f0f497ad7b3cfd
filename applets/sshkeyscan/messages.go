package sshkeyscan

// The texts ssh-keyscan prints, as OpenSSH's ssh-keyscan prints them: its
// error() and fatal() lines end in "\r\n", as log.c writes them.
const (
	msgUsage = "usage: ssh-keyscan [-46cDHqv] [-f file] [-p port] [-T timeout] [-t type]\n" +
		"\t\t   [host | addrlist namelist]\n"
	msgBadPort        = "Bad port '%s'\n"
	msgBadTimeout     = "Bad timeout '%s'\n"
	msgUnknownType    = "Unknown key type \"%s\"\r\n"
	msgUnsupported    = "ssh-keyscan: key type %s is not supported by sshbox\n"
	msgOpenFile       = "ssh-keyscan: %s: %s\r\n"
	msgResolve        = "getaddrinfo %s: %s\r\n"
	msgComment        = "%c %s:%d %s\n"
	msgSSHFP          = "%s IN SSHFP %d %d %x\n"
	msgDebugConnected = "debug1: %s:%d: %s: %s\n"
)
