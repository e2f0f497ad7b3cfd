package sshkeygen

// Texts of ssh-keygen -Y, worded as OpenSSH's.
const (
	msgSigUnsupportedOp = "Unsupported operation for -Y: \"%s\""
	msgSigTooFew        = "Too few arguments for %s: missing %s"
	msgSigTooFewNoSpace = "Too few arguments for %s:missing %s"
	msgSigInvalidOption = "Invalid option \"%s\""
	msgSigSigningFile   = "Signing file %s\n"
	msgSigSigningStdin  = "Signing data on standard input\n"
	msgSigWrite         = "Write signature to %s\n"
	msgSigFailed        = "Signing %s failed: %s"
	msgSigPassphrase    = "Enter passphrase: "
	msgSigLoadPublic    = "Couldn't load public key %s: %s"
	msgSigNoAgent       = "Couldn't get agent socket"
	msgSigNoAgentKey    = "Couldn't find key in agent"
	msgSigNoPrivate     = "No private key found for \"%s\""
	msgSigNoPrivateFor  = "No private key found for public key \"%s\""
	msgSigOpen          = "Cannot open %s for signing: %s"
	msgSigReadSig       = "Couldn't read signature file: %s"
	msgSigBase64        = "sshsig_dearmor: decode base64: invalid format"
	msgSigArmor         = "%s: sshsig_armor: %s"
	msgSigGetPubkey     = "%s: sshsig_get_pubkey: incomplete message"
	msgSigFindFailed    = "sig_find_principals: sshsig_find_principal: %s"
	msgSigParse         = "Couldn't parse signature: %s"
	msgSigVerifyNS      = "Couldn't verify signature: %s"
	msgSigVerifyFailed  = "Signature verification failed: %s"
	msgSigOpenAllowed   = "Unable to open allowed keys file \"%s\": %s"
	msgSigCouldNot      = "Could not verify signature.\n"
	// -Y verify -r: sshbox's words on standard error (OpenSSH says only
	// msgSigCouldNot unless debugging).
	msgSigRevoked     = "Signing key %s %s revoked by file %s"
	msgSigRevocations = "Unable to read revocation file \"%s\": %s"
	msgSigGood        = "Good \"%s\" signature for %s with %s key %s\n"
	msgSigGoodNoID    = "Good \"%s\" signature with %s key %s\n"
	msgSigNoPrincipal = "No principal matched.\n"
)
