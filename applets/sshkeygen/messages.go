package sshkeygen

import (
	"fmt"
	"strings"
)

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
	msgSaveFailed        = "Saving key \"%s\" failed: %v"
	msgSavePubFailed     = "Unable to save public key to %s: %s"
	msgLoadFailed        = "Failed to load key %s: %v"
	msgLoadKey           = "Load key \"%s\": %v"
	msgCannotLoadPrivate = "Cannot load private key \"%s\": %s"
	msgBadPerms          = "bad permissions"
	msgNotKeyFile        = "%s is not a key file."
	msgNotPublic         = "%s is not a public key file."
	msgNoFile            = "%s: No such file or directory"
	msgKeyComment        = "Key has comment '%s'\n"
	msgSavedNewPass      = "Your identification has been saved with the new passphrase.\n"
	msgOldComment        = "Old comment: %s\n"
	msgNewComment        = "New comment: "
	msgNoComment         = "No existing comment\n"
	msgCommentApplied    = "Comment '%s' applied\n"
	msgBadHash           = "Invalid hash algorithm \"%s\""
	msgHostKeysGen       = "ssh-keygen: generating new host keys: "
	msgCannotStat        = "Cannot stat %s: %v"
	msgHostFound         = "# Host %s found: line %d %s\n"
	msgHostFoundR        = "# Host %s found: line %d\n"
	msgHostNotFound      = "Host %s not found in %s"
	msgUpdated           = "%s updated.\n"
	msgRetained          = "Original contents retained as %s\n"
	msgWildcard          = "%s:%d: ignoring host name with wildcard: %s"
	msgUnhashed1         = "WARNING: %s contains unhashed entries"
	msgUnhashed2         = "Delete this file to ensure privacy of hostnames"
	msgInvalidLine       = "%s:%d: invalid line"
	msgNeedKeyID         = "Must specify key id (-I) when certifying"
	msgSigned            = "Signed %s key %s: id \"%s\" serial %d%s valid %s"
	msgNotCert           = "%s:%d is not a certificate"
	msgInvalidKeyLine    = "%s:%d: invalid key: invalid format"
	msgConvertFailed     = "%s: %v"
	msgCATypeMismatch    = "CA key type %s doesn't match specified %s"
	msgNoPKCS11          = "ssh-keygen: -D: PKCS#11 tokens are not supported by sshbox"
	msgNoSSHFP           = "export_dns_rr: unsupported algorithm and/or digest_type"
	msgNoPublicKey       = "Failed to read v2 public key from \"%s\": %s"
	msgRevoking          = "Revoking from %s\n"
	msgKRLNeedsOutput    = "KRL generation requires an output file"
	msgKRLNeedsInput     = "KRL checking requires an input file"
	msgKRLLoad           = "Unable to load KRL %s: %s"
	msgKRLInvalid        = "Invalid KRL file %s: %v"
	msgBadSerial         = "Invalid serial number \"%s\""
	msgKRLSpecRead       = "fopen %s: %s"
	msgKRLWrite          = "write %s: %s"
	msgKRLLoadPublic     = "Cannot load public key %s: %s"
	msgKRLVerdict        = "%s (%s): %s\n"
	msgNotValidFile      = "%s is not a valid known_hosts file."
	msgNotReplacing      = "Not replacing existing known_hosts file because of errors"
	msgUnsupportedFormat = "Unsupported conversion format \"%s\""
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
// lines, with the reason that loader gives for every failure.
const (
	msgNoSuchFile = "No such file or directory"
	msgKRLCA      = "Cannot load CA public key %s: No such file or directory"
	msgLoadPubkey = "load pubkey \"%s\": No such file or directory"
)

// errorf writes one line as OpenSSH's fatal(), error() and logit() write
// it on standard error: ending in \r\n. The messages above that end in no
// newline are printed through it.
func (o *opts) errorf(format string, args ...any) {
	fmt.Fprintf(o.stderr, format+"\r\n", args...)
}

// errorLines writes a text of several lines (the unprotected key banner,
// an error naming FILE:LINE) as that many log lines.
func (o *opts) errorLines(text string) {
	o.errorf("%s", strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\r\n"))
}

// fatalf is errorf for the errors OpenSSH's ssh-keygen dies of (status 255).
func (o *opts) fatalf(format string, args ...any) int {
	o.errorf(format, args...)
	return 255
}
