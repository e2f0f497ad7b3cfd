package supervise

// Texts of the anchor and the link, in one place.
const (
	msgBadSwitch = "%s=%q: must be yes or no"
	msgBadCount  = "%s=%q is not a count of sockets"
	msgBadLink   = "%s=%q, %s=%q: not a link to an anchor"
	msgKilled    = "sshd: server process %d killed by signal %d (%v)"
)
