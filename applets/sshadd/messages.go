package sshadd

// The texts ssh-add prints, as OpenSSH's ssh-add prints them.
const (
	msgUsage = `usage: ssh-add [-cDdKkLlqvXx] [-E fingerprint_hash] [-H hostkey_file]
               [-h destination_constraint] [-S provider] [-t life]
               [file ...]
       ssh-add -s pkcs11
       ssh-add -e pkcs11
       ssh-add -T pubkey ...
`
	msgUnsupported = "ssh-add: -%s is not supported by sshbox\n"
	msgInvalidLife = "Invalid lifetime\n"
	// getopt's complaint and the fatal() ones are OpenSSH's log lines,
	// which end in \r\n; the usage after it is a plain fprintf.
	msgGetopt         = "%s\r\n%s"
	msgBadHash        = "Invalid hash algorithm \"%s\"\r\n"
	msgFlagTwice      = "-%c flag already specified\r\n"
	msgBadCombination = "Invalid combination of actions\r\n"

	msgNoAgent       = "Could not open a connection to your authentication agent.\n"
	msgAgentConnect  = "Error connecting to agent: %s\n"
	msgNoIdentities  = "The agent has no identities.\n"
	msgFetchFailed   = "error fetching identities: %s\n"
	msgAllRemoved    = "All identities removed.\n"
	msgRemoveAllFail = "Failed to remove all identities.\n"
	msgLockPrompt    = "Enter lock password: "
	msgLockAgain     = "Again: "
	msgLockMismatch  = "Passwords do not match.\n"
	msgLocked        = "Agent %slocked.\n"
	msgLockFailed    = "Failed to %slock agent: %s\n"

	msgFileError     = "%s: %s\n"
	msgPassphrase    = "Enter passphrase for %s%s: "
	msgBadPassphrase = "Bad passphrase, try again for %s%s: "
	msgWillConfirm   = " (will confirm each use)"
	msgLoadFailed    = "Error loading key \"%s\": %s\n"
	msgAdded         = "Identity added: %s (%s)\n"
	msgAddFailed     = "Could not add identity \"%s\": %s\n"
	msgCertAdded     = "Certificate added: %s (%s)\n"
	// The certificate's failures are OpenSSH's error() log lines, which
	// end in \r\n; msgCertNotCert (the key itself where its certificate
	// should be) names the C functions that fail, as OpenSSH's does.
	msgCertAddFailed = "Certificate %s (%s) add failed: %s\r\n"
	msgCertMismatch  = "Certificate %s does not match private key %s\r\n"
	msgCertNotCert   = "add_file: sshkey_cert_copy: invalid argument\r\n"
	msgLifetime      = "Lifetime set to %d seconds\n"
	msgConfirm       = "The user must confirm each use of the key\n"
	msgRemoved       = "Identity removed: %s %s (%s)\n"
	// noComment is what -d names a key found in a private key file by,
	// which keeps no comment outside its encrypted part.
	noComment       = "no comment"
	msgRemoveFailed = "Could not remove identity \"%s\": %s\n"
	msgBadPublic    = "Bad key file %s: No such file or directory\n"
	msgBadLine      = "%s:%d: invalid key: %s\r\n"

	// -T's lines are OpenSSH's error() log lines, which end in \r\n.
	msgNoKeysToTest = "no keys to test\r\n"
	msgTestRead     = "Couldn't read public key %s: No such file or directory\r\n"
	msgTestSign     = "Agent signature failed for %s: %s\r\n"
	msgTestVerify   = "Signature verification failed for %s: %s\r\n"

	// errRefused is OpenSSH's ssh_err text for SSH_AGENT_FAILURE, the only
	// thing the agent protocol says about why.
	errRefused = "agent refused operation"
	errComm    = "communication with agent failed"
	// errBadSig is ssh_err's text for a signature that does not verify.
	errBadSig = "incorrect signature"
)
