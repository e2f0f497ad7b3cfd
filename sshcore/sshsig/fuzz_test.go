package sshsig

import (
	"strings"
	"testing"
	"time"
)

// FuzzAllowedSigners: any input parses or fails with a file:line error,
// never panics, and what parses can be matched against.
func FuzzAllowedSigners(f *testing.F) {
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKJI4IMeqq2ZVn+AHdI9nErXmza/M+xQbfuQ5M+uj5vv"
	for _, s := range []string{
		"alice " + pub,
		"alice@example.com,bob*,!eve " + pub + " comment",
		`"carol" namespaces="git,file",valid-after="20200101",valid-before="20300101120000Z" ` + pub,
		"ca@example.com cert-authority " + pub,
		"# comment\n\n  x " + pub + "\r\n",
		`x namespaces="a,b ` + pub,
		"x y z",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := ParseAllowedSigners(data, "f")
		if err != nil {
			return
		}
		for i := range list {
			list[i].MatchPrincipal("alice")
			list[i].validAt(time.Unix(0, 0))
		}
	})
}

// FuzzSignature: armoured or binary signatures from anywhere decode or
// fail cleanly.
func FuzzSignature(f *testing.F) {
	f.Add([]byte("-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgokjggx6qrZlWf4Ad0j2cStebNr\n8z7FBt+5Dkz66Pm+8AAAAEZmlsZQAAAAAAAAAGc2hhNTEyAAAAUwAAAAtzc2gtZWQyNTUx\nOQAAAEA8dunT81J7eF5oNBbKRgE43fFx0CdVRfNObvga9qrV0bnCT2CjzjQa/emBy5hjcm\nqNTWHDvqTOwNMLQ1WrcloM\n-----END SSH SIGNATURE-----\n"))
	f.Add([]byte("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n"))
	f.Add([]byte("SSHSIG\x00\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		blob, err := Unarmor(data)
		if err != nil {
			blob = data
		}
		if sig, err := Parse(blob); err == nil {
			sig.Verify(strings.NewReader("m"), sig.Namespace)
		}
	})
}
