package knownhosts

// Texts users see.
const (
	usageText = `usage: known-hosts [-f FILE] list
       known-hosts [-f FILE] find HOST|[HOST]:PORT
       known-hosts [-f FILE] add [--hash] HOST|[HOST]:PORT KEYFILE|-
       known-hosts [-f FILE] remove HOST|[HOST]:PORT
       known-hosts [-f FILE] hash
       known-hosts [-f FILE] scan [-p PORT] [-t TYPES] [-T SECONDS] [--add] [--hash] HOST...
       known-hosts [-f FILE] import-ssh2 [--hash] DIR
       known-hosts [-f FILE] export-ssh2 DIR
`
	msgUnknownCommand = "known-hosts: unknown command %q\n" + usageText
	msgArgs           = "known-hosts %s: usage: known-hosts %s\n"
	msgWarning        = "known-hosts: %s\n"
	msgFileError      = "known-hosts: %s: %s\n"
	msgListLine       = "%s:%d: %s%s %s %s\n"
	msgHashedName     = "(hashed)"
	msgNotFound       = "%s not found in %s\n"
	msgAlreadyKnown   = "%s: %s key already known (%s:%d)\n"
	msgKeyDiffers     = "%s already has a different %s key at %s:%d; remove it first: known-hosts -f %s remove %s\n"
	msgAdded          = "Added %s %s %s to %s\n"
	msgRemoved        = "Removed %s from %s (line %s)\n"
	msgHashed         = "Hashed %d host names in %s\n"
	msgBadKeyFile     = "known-hosts: %s: %v\n"
	msgScanComment    = "# %s:%d %s\n"
	msgScanFailed     = "known-hosts: %s:%d: %s: %v\n"
	msgImported       = "Imported %d keys from %s into %s (%d already known)\n"
	msgExported       = "Exported %d keys from %s into %s\n"
	msgSkipEntry      = "known-hosts: %s:%d: not exported: %v\n"
	msgSkipDuplicate  = "known-hosts: %s:%d: not exported: %s already written from line %d (one key per host in ssh2)\n"
	msgBadHost        = "known-hosts: invalid host %q: %v\n"
)
