package algo

import (
	"runtime"
	"slices"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sys/cpu"
)

// aesHardware reports whether AES-GCM runs on dedicated instructions here
// (AES plus carry-less multiply), the test Go's crypto/tls makes to choose
// between AES-GCM and ChaCha20-Poly1305. Without them AES is a slow,
// table-free software implementation and ChaCha20 wins by a wide margin.
var aesHardware = func() bool {
	switch runtime.GOARCH {
	case "amd64", "386":
		return cpu.X86.HasAES && cpu.X86.HasPCLMULQDQ
	case "arm64":
		return cpu.ARM64.HasAES && cpu.ARM64.HasPMULL
	case "s390x":
		return cpu.S390X.HasAES && cpu.S390X.HasAESGCM
	case "ppc64", "ppc64le":
		return true // POWER8 and later, the only ones Go supports, have vcipher
	}
	return false
}()

// gcmFirst is the default cipher preference where AES is in hardware: the
// AEAD modes first, AES-128 before AES-256 (fewer rounds, the same security
// margin for a session key), as crypto/tls orders its suites.
var gcmFirst = []string{ssh.CipherAES128GCM, ssh.CipherAES256GCM, ssh.CipherChaCha20Poly1305}

// chachaFirst is the preference without AES instructions.
var chachaFirst = []string{ssh.CipherChaCha20Poly1305, ssh.CipherAES128GCM, ssh.CipherAES256GCM}

// cipherOrder puts the preferred AEAD ciphers of defaults first, in the
// order for this CPU, and keeps the rest (CTR modes) after them in table
// order. Only names already in defaults are used, so the order never adds an
// algorithm the table does not offer by default.
func cipherOrder(defaults []string, hwAES bool) []string {
	pref := chachaFirst
	if hwAES {
		pref = gcmFirst
	}
	out := make([]string, 0, len(defaults))
	for _, n := range pref {
		if slices.Contains(defaults, n) {
			out = append(out, n)
		}
	}
	for _, n := range defaults {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
