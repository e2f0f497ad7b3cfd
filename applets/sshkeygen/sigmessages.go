package sshkeygen

// Texts of ssh-keygen -Y, worded as OpenSSH's.
const (
	msgSigUnsupportedOp = "Unsupported operation for -Y: \"%s\"\n"
	msgSigTooFew        = "Too few arguments for %s: missing %s\n"
	msgSigTooFewNoSpace = "Too few arguments for %s:missing %s\n"
	msgSigInvalidOption = "Invalid option \"%s\"\n"
	msgSigSigningFile   = "Signing file %s\n"
	msgSigSigningStdin  = "Signing data on standard input\n"
	msgSigWrite         = "Write signature to %s\n"
	msgSigFailed        = "Signing %s failed: %s\n"
	msgSigPassphrase    = "Enter passphrase: "
	msgSigLoadPublic    = "Couldn't load public key %s: %s\n"
	msgSigLoadPrivate   = "Couldn't load private key %s: %s\n"
	msgSigNoAgentKey    = "Couldn't find key in agent: %s\n"
	msgSigReadSig       = "Couldn't read signature file: %s\n"
	msgSigParse         = "Couldn't parse signature: %s\n"
	msgSigVerifyNS      = "Couldn't verify signature: %s\n"
	msgSigVerifyFailed  = "Signature verification failed: %s\n"
	msgSigOpenAllowed   = "Unable to open allowed keys file \"%s\": %s\n"
	msgSigCouldNot      = "Could not verify signature.\n"
	// -Y verify -r: sshbox's words on standard error (OpenSSH says only
	// msgSigCouldNot unless debugging).
	msgSigRevoked     = "Signing key %s %s revoked by file %s\n"
	msgSigRevocations = "Unable to read revocation file \"%s\": %s\n"
	msgSigGood        = "Good \"%s\" signature for %s with %s key %s\n"
	msgSigGoodNoID    = "Good \"%s\" signature with %s key %s\n"
	msgSigNoPrincipal = "No principal matched.\n"
)
