package sshkeygen

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"sshbox/internal/atomicfile"
	"sshbox/internal/errtext"
	"sshbox/sshcore/keys"
	"sshbox/sshcore/krl"
)

// generateKRL is -k: a KRL in -f made (or with -u updated) from the
// revocation specifications and public keys named as operands; -s names
// the CA for serial: and id: lines ("none": any CA), -z the KRL version.
func (o *opts) generateKRL() int {
	if !o.hasFile {
		return o.fatalf(msgKRLNeedsOutput)
	}
	k := &krl.KRL{}
	if o.update {
		data, err := os.ReadFile(o.file)
		if err != nil && !os.IsNotExist(err) {
			return o.fatalf(msgKRLLoad, o.file, errtext.Reason(err))
		}
		if err == nil {
			if k, err = krl.Parse(data); err != nil {
				return o.fatalf(msgKRLInvalid, o.file, krlReason(err))
			}
		}
	}
	var ca []byte
	anyCA := false
	if o.sign {
		if strings.EqualFold(o.caKey, "none") {
			anyCA = true
		} else {
			pub, _, err := keys.LoadPublic(o.caKey) // as OpenSSH's
			if err != nil {
				o.errorf(msgKRLCA, o.caKey)
				return 255
			}
			ca = pub.Marshal()
		}
	}
	if o.hasSerial {
		k.Version = o.serial
	}
	// What goes to standard output waits for success: OpenSSH's fatal()
	// leaves its stdio buffer unwritten, so a failed -k says nothing there
	// (unless standard output is a terminal).
	var revoking strings.Builder
	for _, path := range o.args {
		data, err := os.ReadFile(path)
		if errors.Is(err, syscall.EISDIR) {
			// OpenSSH's fopen takes a directory, which reads as empty.
			data, err = nil, nil
		}
		if err != nil {
			return o.fatalf(msgKRLSpecRead, path, errtext.Reason(err))
		}
		fmt.Fprintf(&revoking, msgRevoking, path)
		if err := k.Update(path, data, ca, anyCA); err != nil {
			o.errorLines(err.Error())
			return 255
		}
	}
	k.Date = uint64(time.Now().Unix())
	if err := atomicfile.WriteFile(o.file, k.Marshal(), 0o644); err != nil {
		return o.fatalf(msgKRLWrite, o.file, saveReason(o.file, err))
	}
	fmt.Fprint(o.stdout, revoking.String())
	return 0
}

// testKRL is -Q: each operand's keys checked against the KRL in -f, one
// line each; exit 1 when one is revoked.
func (o *opts) testKRL() int {
	if !o.hasFile {
		return o.fatalf(msgKRLNeedsInput)
	}
	data, err := os.ReadFile(o.file)
	if err != nil {
		return o.fatalf(msgKRLLoad, o.file, errtext.Reason(err))
	}
	k, err := krl.Parse(data)
	if err != nil {
		return o.fatalf(msgKRLInvalid, o.file, krlReason(err))
	}
	// One key a file, found as OpenSSH's sshkey_load_public finds it; the
	// verdicts wait for the end, as OpenSSH's stdio buffer does, which its
	// fatal() leaves unwritten.
	status := 0
	var verdicts strings.Builder
	for _, path := range o.args {
		key, comment, err := keys.LoadPublic(path)
		if err != nil {
			return o.fatalf(msgKRLLoadPublic, path, msgNoSuchFile)
		}
		if comment == "" {
			comment = "(null)"
		}
		verdict := "ok"
		if k.IsRevoked(key) {
			verdict, status = "REVOKED", 1
		}
		fmt.Fprintf(&verdicts, msgKRLVerdict, path, comment, verdict)
	}
	fmt.Fprint(o.stdout, verdicts.String())
	return status
}

// krlReason is why a KRL did not parse, in OpenSSH's ssh_err() words.
func krlReason(err error) string {
	if errors.Is(err, krl.ErrMagic) {
		return "KRL file has invalid magic number"
	}
	return "invalid format"
}
