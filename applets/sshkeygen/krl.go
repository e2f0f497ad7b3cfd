package sshkeygen

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"sshbox/internal/atomicfile"
	"sshbox/sshcore/keys"
	"sshbox/sshcore/krl"
)

// generateKRL is -k: a KRL in -f made (or with -u updated) from the
// revocation specifications and public keys named as operands; -s names
// the CA for serial: and id: lines ("none": any CA), -z the KRL version.
func (o *opts) generateKRL() int {
	if !o.hasFile {
		fmt.Fprint(o.stderr, msgKRLNeedsFile)
		return 1
	}
	k := &krl.KRL{}
	if o.update {
		data, err := os.ReadFile(o.file)
		if err != nil && !os.IsNotExist(err) {
			fmt.Fprintf(o.stderr, msgKRLLoad, o.file, err)
			return 255
		}
		if err == nil {
			if k, err = krl.Parse(data); err != nil {
				fmt.Fprintf(o.stderr, msgKRLInvalid, o.file, err)
				return 255
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
				fmt.Fprintf(o.stderr, msgKRLCA, o.caKey)
				return 255
			}
			ca = pub.Marshal()
		}
	}
	if o.serial != "" {
		v, err := strconv.ParseUint(o.serial, 10, 64)
		if err != nil {
			fmt.Fprintf(o.stderr, msgKRLVersion, o.serial)
			return 255
		}
		k.Version = v
	}
	for _, path := range o.args {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(o.stderr, msgKRLSpecRead, path, err)
			return 255
		}
		fmt.Fprintf(o.stdout, msgRevoking, path)
		if err := k.Update(path, data, ca, anyCA); err != nil {
			fmt.Fprintln(o.stderr, err)
			return 255
		}
	}
	k.Date = uint64(time.Now().Unix())
	if err := atomicfile.WriteFile(o.file, k.Marshal(), 0o644); err != nil {
		fmt.Fprintf(o.stderr, msgKRLWrite, o.file, err)
		return 255
	}
	return 0
}

// testKRL is -Q: each operand's keys checked against the KRL in -f, one
// line each; exit 1 when one is revoked.
func (o *opts) testKRL() int {
	if !o.hasFile {
		fmt.Fprint(o.stderr, msgKRLNeedsFile)
		return 1
	}
	data, err := os.ReadFile(o.file)
	if err != nil {
		fmt.Fprintf(o.stderr, msgKRLLoad, o.file, err)
		return 255
	}
	k, err := krl.Parse(data)
	if err != nil {
		fmt.Fprintf(o.stderr, msgKRLInvalid, o.file, err)
		return 255
	}
	status := 0
	for _, path := range o.args {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(o.stderr, msgKRLSpecRead, path, err)
			return 255
		}
		for _, line := range strings.Split(string(data), "\n") {
			key, comment, ok := keyFromLine(strings.TrimSpace(line))
			if !ok {
				continue
			}
			if comment == "" {
				comment = path
			}
			verdict := "ok"
			if k.IsRevoked(key) {
				verdict, status = "REVOKED", 1
			}
			fmt.Fprintf(o.stdout, msgKRLVerdict, path, comment, verdict)
		}
	}
	return status
}
