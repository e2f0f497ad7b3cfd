package algo

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/compress"
)

// Every name in the table must be one x/crypto implements, or the transport
// would drop it silently (Config.SetDefaults ignores unknown names).
func TestTableNamesAreImplemented(t *testing.T) {
	sup, insecure := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	known := map[Kind][]string{
		Cipher: append(sup.Ciphers, insecure.Ciphers...),
		MAC:    append(sup.MACs, insecure.MACs...),
		KEX:    append(append(sup.KeyExchanges, insecure.KeyExchanges...), "curve25519-sha256@libssh.org"),
		// The kind also serves PubkeyAcceptedAlgorithms, where x/crypto
		// implements the FIDO (sk-*) algorithms too.
		HostKey: append(append(sup.HostKeys, insecure.HostKeys...), append(sup.PublicKeyAuths, insecure.PublicKeyAuths...)...),
	}
	for k, names := range known {
		for _, n := range Supported(k) {
			if !slices.Contains(names, n) {
				t.Errorf("%s %q: x/crypto has no implementation of it", k, n)
			}
		}
	}
}

// design.md §8: no SHA-1, no CBC, no small DH groups by default.
func TestDefaultsAreSecure(t *testing.T) {
	for _, k := range []Kind{Cipher, MAC, KEX, HostKey} {
		for _, n := range Default(k) {
			if strings.Contains(n, "cbc") || strings.Contains(n, "sha1") || n == ssh.KeyAlgoRSA ||
				n == ssh.CertAlgoRSAv01 || strings.Contains(n, "group1-") || strings.Contains(n, "group14") {
				t.Errorf("default %s %q is weak", k, n)
			}
		}
	}
}

func TestResolve(t *testing.T) {
	def := Default(Cipher)
	for _, c := range []struct {
		spec string
		want []string
	}{
		{"", def},
		{"aes128-ctr,aes256-gcm@openssh.com", []string{"aes128-ctr", "aes256-gcm@openssh.com"}},
		{"+aes128-cbc", append(slices.Clone(def), "aes128-cbc")},
		{"-aes*-ctr", slices.DeleteFunc(slices.Clone(def), func(s string) bool { return strings.HasSuffix(s, "-ctr") })},
		{"^aes128-gcm@openssh.com", append([]string{"aes128-gcm@openssh.com"}, slices.DeleteFunc(slices.Clone(def), func(s string) bool { return s == "aes128-gcm@openssh.com" })...)},
		{"aes*-gcm@openssh.com", []string{"aes256-gcm@openssh.com", "aes128-gcm@openssh.com"}},
		// OpenSSH's match_filter_denylist: the negation keeps aes256-ctr.
		{"-aes*-ctr,!aes256-ctr", slices.DeleteFunc(slices.Clone(def), func(s string) bool { return s == "aes128-ctr" || s == "aes192-ctr" })},
		{"-*", nil},
	} {
		got, err := Resolve(Cipher, c.spec)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Resolve(%q) = %v, %v; want %v", c.spec, got, err, c.want)
		}
	}
	// '[' is an ordinary character to OpenSSH, as to sshbox: a pattern
	// path.Match would read as a class matches nothing, and a removal
	// pattern that matches nothing removes nothing.
	for _, bad := range []string{"aes[0-9]*-ctr", "!aes128-ctr", "+aes128-ct?,[x"} {
		if got, err := Resolve(Cipher, bad); err == nil {
			t.Errorf("Resolve(%q) = %v, want an error", bad, got)
		}
	}
	if _, err := Resolve(Cipher, "aes128-ctr,rot13"); err == nil || !strings.Contains(err.Error(), "rot13") {
		t.Errorf("an unknown cipher is not an error naming it: %v", err)
	}
	// Removing something that is not offered is no error, as in OpenSSH.
	if got, err := Resolve(MAC, "-hmac-md5"); err != nil || !slices.Equal(got, Default(MAC)) {
		t.Errorf("Resolve(-hmac-md5) = %v, %v", got, err)
	}
}

func TestQueryLists(t *testing.T) {
	plain := Supported(KeyPlain)
	if slices.ContainsFunc(plain, func(s string) bool { return strings.Contains(s, "-cert-") }) {
		t.Errorf("key-plain lists certificates: %v", plain)
	}
	if !slices.Contains(plain, ssh.KeyAlgoED25519) || slices.Contains(plain, ssh.KeyAlgoRSASHA256) {
		t.Errorf("key-plain: %v", plain)
	}
	if sig := Supported(Sig); !slices.Contains(sig, ssh.KeyAlgoRSASHA512) {
		t.Errorf("sig lacks rsa-sha2-512: %v", sig)
	}
}

func TestUnderlying(t *testing.T) {
	for in, want := range map[string]string{
		"ssh-ed25519-cert-v01@openssh.com":            "ssh-ed25519",
		"rsa-sha2-512-cert-v01@openssh.com":           "rsa-sha2-512",
		"sk-ssh-ed25519-cert-v01@openssh.com":         "sk-ssh-ed25519@openssh.com",
		"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com": "sk-ecdsa-sha2-nistp256@openssh.com",
		"ecdsa-sha2-nistp384":                         "ecdsa-sha2-nistp384",
	} {
		if got := Underlying(in); got != want {
			t.Errorf("Underlying(%s) = %s, want %s", in, got, want)
		}
		if IsCert(in) != (in != want) {
			t.Errorf("IsCert(%s) = %v", in, IsCert(in))
		}
	}
}

// TestQuery: every -Q question OpenSSH answers is answered, each answer
// naming only algorithms the table has, and the keyword spellings give
// the lists OpenSSH gives for them.
func TestQuery(t *testing.T) {
	known := map[string]bool{"none": true, "2": true}
	if compress.Available() {
		known["zlib@openssh.com"], known["zlib"] = true, true
	}
	for _, k := range []Kind{Cipher, MAC, KEX, HostKey} {
		for _, n := range Supported(k) {
			known[n] = true
		}
	}
	help, _ := Query("help")
	for _, q := range help {
		answer, ok := Query(q)
		if !ok || len(answer) == 0 {
			t.Errorf("-Q %s: %v %v", q, answer, ok)
		}
		for _, n := range answer {
			if !known[n] {
				t.Errorf("-Q %s names %s, which sshbox cannot use", q, n)
			}
		}
	}
	key, _ := Query("key")
	for _, n := range key {
		if strings.HasPrefix(n, "rsa-sha2-") {
			t.Errorf("-Q key lists the signature algorithm %s", n)
		}
	}
	sig, _ := Query("PubkeyAcceptedAlgorithms")
	if !contains(sig, "rsa-sha2-512") || !contains(sig, "ssh-ed25519-cert-v01@openssh.com") {
		t.Errorf("-Q PubkeyAcceptedAlgorithms: %v", sig)
	}
	if c, _ := Query("Ciphers"); strings.Join(c, ",") != strings.Join(Supported(Cipher), ",") {
		t.Errorf("-Q Ciphers: %v", c)
	}
	if _, ok := Query("nonsense"); ok {
		t.Error("-Q nonsense answered")
	}
}

// The default cipher order follows the CPU, and either way keeps every
// default cipher exactly once.
func TestCipherOrder(t *testing.T) {
	var defaults []string
	for _, e := range table {
		if e.kind == Cipher && e.deflt {
			defaults = append(defaults, e.name)
		}
	}
	hw := cipherOrder(defaults, true)
	sw := cipherOrder(defaults, false)
	if hw[0] != ssh.CipherAES128GCM || hw[1] != ssh.CipherAES256GCM {
		t.Errorf("with AES instructions: %v; want AES-GCM first", hw)
	}
	if sw[0] != ssh.CipherChaCha20Poly1305 {
		t.Errorf("without AES instructions: %v; want chacha20-poly1305 first", sw)
	}
	for _, got := range [][]string{hw, sw} {
		a, b := slices.Clone(got), slices.Clone(defaults)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("order %v is not a permutation of the defaults %v", got, defaults)
		}
	}
	if want := cipherOrder(defaults, aesHardware); !slices.Equal(Default(Cipher), want) {
		t.Errorf("Default(Cipher) = %v, want %v for this CPU", Default(Cipher), want)
	}
}

// FuzzResolve: any list resolves to supported names only, or to an error;
// never a panic.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"", "+aes128-cbc", "-aes*-ctr,!aes256-ctr", "^ssh-ed25519", "*,!x", "a?c[", "-", "!*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := Resolve(HostKey, spec)
		if err != nil {
			return
		}
		for _, n := range got {
			if !slices.Contains(Supported(HostKey), n) {
				t.Fatalf("Resolve(%q) gave unsupported %q", spec, n)
			}
		}
	})
}

// TestResolveRemembersWithoutSharing: a remembered list comes back equal,
// and what one caller does to its list is not seen by the next.
func TestResolveRemembersWithoutSharing(t *testing.T) {
	for _, spec := range []string{"", "+aes128-ctr", "-chacha*", "^aes256-gcm@openssh.com", "aes128-ctr,aes256-ctr"} {
		first, err := Resolve(Cipher, spec)
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(first)
		first[0] = "changed"
		_ = append(first[:1], "appended")
		again, err := Resolve(Cipher, spec)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(again, want) {
			t.Errorf("%q: %q the second time, %q the first", spec, again, want)
		}
	}
	if _, err := Resolve(Cipher, "nonsense"); err == nil {
		t.Error("an unknown cipher resolved")
	}
	if _, err := Resolve(Cipher, "nonsense"); err == nil {
		t.Error("an unknown cipher resolved the second time")
	}
}

// TestResolveOpenSSHOnly: a name OpenSSH has and sshbox does not is left
// out of what is offered (Dropped names it) rather than refused, so that a
// configuration written for OpenSSH works; a list of nothing else, or a
// name no one knows, is an error.
func TestResolveOpenSSHOnly(t *testing.T) {
	for _, c := range []struct {
		k       Kind
		spec    string
		want    []string
		dropped []string
	}{
		{MAC, "hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com", []string{"hmac-sha2-256-etm@openssh.com"}, []string{"hmac-sha1-etm@openssh.com"}},
		{MAC, "hmac-md5*,hmac-sha2-512", []string{"hmac-sha2-512"}, []string{"hmac-md5*"}},
		{KEX, "sntrup761x25519-sha512@openssh.com,curve25519-sha256,gss-curve25519-sha256-", []string{"curve25519-sha256"}, []string{"sntrup761x25519-sha512@openssh.com", "gss-curve25519-sha256-"}},
		{Cipher, "+aes256-cbc", Default(Cipher), []string{"aes256-cbc"}},
		{Cipher, "-aes256-cbc", Default(Cipher), nil},
		{HostKey, "ssh-ed25519,ssh-dss", []string{"ssh-ed25519"}, []string{"ssh-dss"}},
	} {
		got, err := Resolve(c.k, c.spec)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s %q: %q %v, want %q", c.k, c.spec, got, err, c.want)
		}
		if d := Dropped(c.k, c.spec); !slices.Equal(d, c.dropped) {
			t.Errorf("%s %q: dropped %q, want %q", c.k, c.spec, d, c.dropped)
		}
	}
	for _, c := range []struct {
		k          Kind
		spec, want string
	}{
		{MAC, "hmac-sha1-etm@openssh.com", `no mac algorithm sshbox has in "hmac-sha1-etm@openssh.com"`},
		{MAC, "hmac-sha1-etm@openssh.com,hmac-foo", `unsupported mac algorithm "hmac-foo"`},
		{KEX, "gss-curve25519-sha256-", `no kex algorithm sshbox has in "gss-curve25519-sha256-"`},
		{Cipher, "foo", `unsupported cipher algorithm "foo"`},
	} {
		if _, err := Resolve(c.k, c.spec); err == nil || err.Error() != c.want {
			t.Errorf("%s %q: %v, want %s", c.k, c.spec, err, c.want)
		}
	}
	// What ssh checks when it reads the line: only names no one has.
	for spec, ok := range map[string]bool{"hmac-sha1-etm@openssh.com": true, "hmac-sha2-256,hmac-md5*": true, "-hmac-foo": true, "hmac-foo": false, "+hmac-sha1,hmac-foo": false} {
		if err := Check(MAC, spec); (err == nil) != ok {
			t.Errorf("Check %q: %v", spec, err)
		}
	}
}
