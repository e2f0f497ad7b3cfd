package dropbear

// Texts the Dropbear applets print, worded as Dropbear words them where
// Dropbear has a message for the same situation.
const (
	serverUsage = `Usage: dropbear [options]
-b bannerfile	Display the contents of bannerfile before user login
-r keyfile      Specify hostkeys (repeatable)
		defaults: /etc/dropbear/dropbear_{rsa,ecdsa,ed25519}_host_key
-R		Create hostkeys as required
-F		Don't fork into background
-e		Pass on server process environment to child process
-E		Log to stderr rather than syslog
-m		Don't display the motd on login
-w		Disallow root logins
-G		Restrict logins to members of specified group
-s		Disable password logins
-g		Disable password logins for root
-B		Allow blank password logins
-t		Enable two-factor authentication (both password and public key required)
-T		Maximum authentication tries (default 10)
-j		Disable local port forwarding
-k		Disable remote port forwarding
-a		Allow connections to forwarded ports from any host
-c command	Force executed command
-p [address:]port
		Listen on specified tcp port (and optionally address),
		up to 10 can be specified
		(default port is 22 if none specified)
-P PidFile	Create pid file PidFile
		(default /var/run/dropbear.pid)
-i		Start for inetd
-W <receive_window_buffer> (default 2097152, larger may be faster, max 10MB)
-K <keepalive>  (0 is never, default 0, in seconds)
-I <idle_timeout>  (0 is never, default 0, in seconds)
-z    disable QoS
-V    Version
`
	keyUsage = `Usage: dropbearkey -t <type> -f <filename> [-s bits]
-t type	Type of key to generate. One of:
		rsa
		ecdsa
		ed25519
-f filename    Use filename for the secret key.
               ~/.ssh/id_dropbear is recommended for client keys.
-s bits	Key size in bits, should be a multiple of 8 (optional)
           ECDSA has sizes 256 384 521
           Ed25519 has a fixed size of 256 bits
-C comment	Comment of the public key (default user@host)
-y		Just print the publickey and fingerprint for the
		private key in <filename>.
`
	clientUsage = `Usage: dbclient [options] [user@]host[/port][,[user@]host/port],...] [command]
-p <remoteport>
-l <username>
-t    Allocate a pty
-T    Don't allocate a pty
-N    Don't run a remote command
-f    Run in background after auth
-q    quiet, don't show remote banner
-y    Always accept remote host key if unknown
-y -y Don't perform any remote host key checking (caution)
-s    Request a subsystem (use by external sftp)
-o option     Set option in OpenSSH-like format ('-o help' to list options)
-i <identityfile>   (multiple allowed, default ~/.ssh/id_dropbear)
-A    Enable agent auth forwarding
-L <[listenaddress:]listenport:remotehost:remoteport> Local port forwarding
-g    Allow remote hosts to connect to forwarded ports
-R <[listenaddress:]listenport:remotehost:remoteport> Remote port forwarding
-W <receive_window_buffer> (default 2097152, larger may be faster, max 10MB)
-K <keepalive>  (0 is never, default 0)
-I <idle_timeout>  (0 is never, default 0)
-z    disable QoS
-B <endhost:endport> Netcat-alike forwarding
-J <proxy_program> Use program pipe rather than TCP connection
-c <cipher list> Specify preferred ciphers ('-c help' to list options)
-m <MAC list> Specify preferred MACs for packet verification (or '-m help')
-b    [bind_address]
-v    verbose
-V    Version
`
	msgBadNumber = "%s: Bad %s '%s'"
	// Dropbear goes on with its default window; sshbox has one window.
	msgBadRecvWindow = "%s: Bad recv window '%s'"
	msgUnknownType   = "Unknown key type '%s'"
	msgNoKeyFile     = "Must specify a key filename"
	msgKeyExists     = "Failed moving key file to %s: File exists\nExited: Failed to generate key."
	msgReadFailed    = "Failed reading '%s': %v"
	msgGenerating    = "Generating %d bit %s key, this may take a while..."
	msgPublicPortion = "Public key portion is:"
	msgFingerprint   = "Fingerprint: %s"
	msgBadBits       = "Exited: Key size %d isn't valid: %v"
	msgBindPort      = "dbclient: -b %s: binding a local port is not supported; give the address only"
	msgGenHostKey    = "Generating %s host key %s"
	msgHostKeyFailed = "dropbear: cannot create host key %s: %v"
)

// dropbearconvert's texts; the usage names the program as it was called
// (%s), as Dropbear's does. Dropbear's warning about untrusted input is
// left out: sshbox's key parsers are fuzzed and bounds-checked.
const (
	convertUsage = `Usage: %s <inputtype> <outputtype> <inputfile> <outputfile>

All parameters must be specified in order.

The input and output types are one of:
openssh
dropbear

Example:
dropbearconvert openssh dropbear /etc/ssh/ssh_host_rsa_key /etc/dropbear_rsa_host_key
`
	msgConvertArgs        = "All arguments must be specified"
	msgConvertInType      = "Invalid input key type"
	msgConvertOutType     = "Invalid output key type"
	msgConvertKeyIs       = "Key is a %s key"
	msgConvertReadFailed  = "Error reading key from '%s'"
	msgConvertWriteFailed = "Error writing key to '%s'"
	msgConvertWrote       = "Wrote key to '%s'"
)
