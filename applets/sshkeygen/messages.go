package sshkeygen

// Texts users see, worded as OpenSSH's ssh-keygen words them.
const (
	usageText = `usage: ssh-keygen [-q] [-b bits] [-C comment] [-f output_keyfile] [-m format]
                  [-N new_passphrase] [-t ecdsa | ed25519 | rsa]
       ssh-keygen -p [-f keyfile] [-m format] [-N new_passphrase]
                   [-P old_passphrase]
       ssh-keygen -i [-f input_keyfile] [-m key_format]
       ssh-keygen -e [-f input_keyfile] [-m key_format]
       ssh-keygen -y [-f input_keyfile]
       ssh-keygen -c [-C comment] [-f keyfile] [-P passphrase]
       ssh-keygen -l [-v] [-E fingerprint_hash] [-f input_keyfile]
       ssh-keygen -F hostname [-lv] [-f known_hosts_file]
       ssh-keygen -H [-f known_hosts_file]
       ssh-keygen -R hostname [-f known_hosts_file]
       ssh-keygen -A [-f prefix_path]
       ssh-keygen -M generate [-O option] output_file
       ssh-keygen -M screen [-f input_file] [-O option] output_file
       ssh-keygen -s ca_key -I certificate_identity [-h] [-n principals]
                  [-O option] [-V validity_interval] [-z serial_number] file ...
       ssh-keygen -L [-f input_keyfile]
       ssh-keygen -Y find-principals -s signature_file -f allowed_signers_file
       ssh-keygen -Y match-principals -I signer_identity -f allowed_signers_file
       ssh-keygen -Y check-novalidate -n namespace -s signature_file
       ssh-keygen -Y sign -f key_file -n namespace file [-O option] ...
       ssh-keygen -Y verify -f allowed_signers_file -I signer_identity
                  -n namespace -s signature_file [-O option]
`
	msgGenerating        = "Generating public/private %s key pair.\n"
	msgEnterFile         = "Enter file in which to save the key (%s): "
	msgCreatedDir        = "Created directory '%s'.\n"
	msgExists            = "%s already exists.\n"
	msgOverwrite         = "Overwrite (y/n)? "
	msgNewPass           = "Enter passphrase (empty for no passphrase): "
	msgNewPassP          = "Enter new passphrase (empty for no passphrase): "
	msgSamePass          = "Enter same passphrase again: "
	msgPassMismatch      = "Passphrases do not match.  Try again.\n"
	msgOldPass           = "Enter old passphrase: "
	msgPass              = "Enter passphrase: "
	msgSavedPriv         = "Your identification has been saved in %s\n"
	msgSavedPub          = "Your public key has been saved in %s.pub\n"
	msgFingerprintIs     = "The key fingerprint is:\n"
	msgRandomartIs       = "The key's randomart image is:\n"
	msgSaveFailed        = "Saving key \"%s\" failed: %v\n"
	msgLoadFailed        = "Failed to load key %s: %v\n"
	msgLoadKey           = "Load key \"%s\": %v\n"
	msgBadPerms          = "bad permissions"
	msgNotPublic         = "%s is not a public key file.\n"
	msgNoFile            = "%s: No such file or directory\n"
	msgKeyComment        = "Key has comment '%s'\n"
	msgSavedNewPass      = "Your identification has been saved with the new passphrase.\n"
	msgOldComment        = "Old comment: %s\n"
	msgNewComment        = "New comment: "
	msgNoComment         = "No existing comment\n"
	msgCommentApplied    = "Comment '%s' applied\n"
	msgBadHash           = "Invalid hash algorithm \"%s\"\n"
	msgBadFormat         = "unsupported key format \"%s\"\n"
	msgHostKeysGen       = "ssh-keygen: generating new host keys: "
	msgCannotStat        = "Cannot stat %s: %v\n"
	msgHostFound         = "# Host %s found: line %d %s\n"
	msgHostFoundR        = "# Host %s found: line %d\n"
	msgHostNotFound      = "Host %s not found in %s\n"
	msgUpdated           = "%s updated.\n"
	msgRetained          = "Original contents retained as %s\n"
	msgWildcard          = "%s:%d: ignoring host name with wildcard: %s\n"
	msgUnhashed1         = "WARNING: %s contains unhashed entries\n"
	msgUnhashed2         = "Delete this file to ensure privacy of hostnames\n"
	msgInvalidLine       = "%s:%d: invalid line\n"
	msgNeedKeyID         = "Must specify key id (-I) when certifying\n"
	msgSigned            = "Signed %s key %s: id \"%s\" serial %d%s valid %s\n"
	msgNotCert           = "%s is not a certificate\n"
	msgConvertFailed     = "%s: %v\n"
	msgCATypeMismatch    = "CA key type %s doesn't match specified %s\n"
	msgNoPKCS11          = "ssh-keygen: -D: PKCS#11 tokens are not supported by sshbox"
	msgNoPublicKey       = "Failed to read v2 public key from \"%s\".\n"
	msgRevoking          = "Revoking from %s\n"
	msgKRLNeedsFile      = "ssh-keygen: a KRL file must be named with -f\n"
	msgKRLLoad           = "Cannot load KRL %s: %v\n"
	msgKRLInvalid        = "Invalid KRL file %s: %v\n"
	msgKRLVersion        = "Invalid KRL version number \"%s\"\n"
	msgKRLSpecRead       = "%s: %v\n"
	msgKRLWrite          = "Couldn't write KRL %s: %v\n"
	msgKRLVerdict        = "%s (%s): %s\n"
	msgNotValidFile      = "%s is not a valid known_hosts file.\n"
	msgNotReplacing      = "Not replacing existing known_hosts file because of errors\n"
	msgUnsupportedFormat = "Unsupported conversion format \"%s\"\n"
)

// -M generate / -M screen (moduli.go), in OpenSSH's words.
const (
	msgModuliUnsupported    = "Unsupported moduli option %s"
	msgModuliNoOutput       = "No output file specified"
	msgModuliTooManyOutputs = "Too many output files specified"
	msgModuliMemory         = "Memory limit is %s: %s"
	msgModuliStart          = "Invalid start point."
	msgModuliNumber         = "Invalid number: %s (%s)"
	msgModuliGenerator      = "Generator invalid: %s (%s)"
	msgModuliGenOption      = "Option \"%s\" is unsupported for moduli generation"
	msgModuliScreenOption   = "Option \"%s\" is unsupported for moduli screening"
	msgModuliCandOpen       = "Couldn't open modulus candidate file \"%s\": %s"
	msgModuliOpen           = "Couldn't open moduli file \"%s\": %s"
	msgModuliGenFailed      = "modulus candidate generation failed"
	msgModuliScreenFailed   = "modulus screening failed"
)

// What OpenSSH's ssh-keygen says when sshkey_load_public fails: fatal()
// lines (\r\n), with the reason that loader gives for every failure.
const (
	msgKRLCA      = "Cannot load CA public key %s: No such file or directory\r\n"
	msgLoadPubkey = "load pubkey \"%s\": No such file or directory\r\n"
)
