package configfmt

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const serverClassIntro = "Every server keyword is in one class. **enforced**: acted on as OpenSSH does, and " +
	"named tests show it. **refused**: a value that would restrict something sshbox does not enforce makes " +
	"`sshd -t` fail with `FILE:LINE: KEYWORD is not supported by sshbox`, and sshd does not start; the " +
	"values still accepted are listed, with why they restrict nothing. **accepted**: restricts nothing, " +
	"for the reason given (sshd logs that it does not act on it)."

// testFuncs lists the Test functions defined anywhere in the module.
func testFuncs(t *testing.T) map[string]bool {
	re := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	out := map[string]bool{}
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			out[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestServerKeywordClasses walks the server keyword table: every keyword
// is enforced, refused or accepted, an enforced one names tests that
// exist, the others say why what they accept is safe.
func TestServerKeywordClasses(t *testing.T) {
	tests := testFuncs(t)
	inTable := map[string]bool{}
	for _, k := range serverTable {
		l := strings.ToLower(k.name)
		inTable[l] = true
		c, ok := classOf(l)
		if !ok {
			t.Errorf("server keyword %s is in no class (configfmt/serverclass.go)", k.name)
			continue
		}
		switch c.class {
		case classEnforced:
			if len(c.tests) == 0 {
				t.Errorf("enforced keyword %s names no test", k.name)
			}
			for _, fn := range c.tests {
				if !tests[fn] {
					t.Errorf("enforced keyword %s names test %s, which does not exist", k.name, fn)
				}
			}
		case classRefused, classAccepted:
			if c.reason == "" {
				t.Errorf("%s keyword %s gives no reason", c.class, k.name)
			}
		default:
			t.Errorf("server keyword %s: bad class %d", k.name, c.class)
		}
	}
	seen := map[string]bool{}
	for _, c := range serverClasses {
		if !inTable[c.name] {
			t.Errorf("class for %s, which is not a server keyword (or not lowercase)", c.name)
		}
		if seen[c.name] {
			t.Errorf("two classes for %s", c.name)
		}
		seen[c.name] = true
	}
}

// A restriction sshbox cannot enforce stops the configuration from loading,
// with file:line, also inside a Match block and in the ssh2 dialect; its
// harmless values load.
func TestServerRefusesUnenforcedRestrictions(t *testing.T) {
	dir := t.TempDir()
	load := func(text string) error {
		p := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadServer(p, nil)
		return err
	}
	for _, c := range []struct{ text, line, kw string }{
		{"Match User nobody\n  PubkeyAuthOptions verify-required\n", "2", "PubkeyAuthOptions"},
		{"PubkeyAuthOptions verify-required\n", "1", "PubkeyAuthOptions"},
		{"*:\n  SecurePath yes\n", "2", "SecurePath"},
		{"*:\n  LogfailAuthentications password\n  IntrusionAuthentications password,hostbased\n", "3", "IntrusionAuthentications"},
		{"*:\n  AuthKbdInt.Required password\n  AuthKbdInt.Required securid\n", "3", "AuthKbdInt.Required"},
		{"Port 22\nMatch RDomain !vrf1\n  DenyUsers bob\n", "2", "Match RDomain"},
	} {
		err := load(c.text)
		want := filepath.Join(dir, "sshd_config") + ":" + c.line + ": " + c.kw + " is not supported by sshbox"
		if err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %q", c.text, err, want)
		}
	}
	for _, ok := range []string{
		"AuthorizedKeysCommand none\nUseDNS no\nRequiredRSASize 1024\nPubkeyAuthOptions none\n",
		"UnusedConnectionTimeout none\nPerSourceMaxStartups none\nChannelTimeout none\nHostKeyAgent none\n",
		"X11Forwarding yes\nPermitUserRC no\nGSSAPIAuthentication yes\n",
		"*:\n  RekeyIntervalSeconds 0\n",
		"*:\n  RekeyIntervalSeconds 3600\n",
		// Where the users' ssh2 authorization files are (acted on).
		"*:\n  UserConfigDirectory \"%D/.ssh2\"\n  AuthorizationFile authorization\n",
		"*:\n  UserConfigDirectory /etc/ssh2/users/%U-%IU-%IG\n  AuthorizationFile /etc/ssh2/auth/keys\n",
		// HP TCP/IP Services' auditing keywords: OpenVMS's books, and
		// intrusion detection switched off.
		"*:\n  LogfailAuthentications all\n  AccountingAuthentications password\n  IntrusionAuthentications NONE\n  IntrusionIdentMethod user\n  IntrusionIdentSSH yes\n",
		"KerberosOrLocalPasswd no\n",
		"KerberosAuthentication yes\n",
		"KerberosAuthentication yes\nKerberosOrLocalPasswd yes\nKerberosOrLocalPasswd no\n",
	} {
		if err := load(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	// KerberosOrLocalPasswd no refuses local passwords in OpenSSH once
	// Kerberos is on anywhere, a Match block for someone else included.
	for _, c := range []struct{ text, line string }{
		{"KerberosAuthentication yes\nKerberosOrLocalPasswd no\n", "2"},
		{"KerberosOrLocalPasswd no\nMatch User nobody\n  KerberosAuthentication yes\n", "1"},
	} {
		err := load(c.text)
		want := filepath.Join(dir, "sshd_config") + ":" + c.line + ": KerberosOrLocalPasswd is not supported by sshbox with KerberosAuthentication yes"
		if err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %q", c.text, err, want)
		}
	}
}

// Every ssh2 keyword sshd refuses is one the ssh2 table knows as accepted
// without being acted on (a misspelt entry would refuse nothing).
func TestSSH2RefusedAreKnown(t *testing.T) {
	for _, name := range ssh2Refused {
		r := ssh2Lookup(name, false)
		if r == nil || !r.warned {
			t.Errorf("ssh2Refused %q is not an accepted-but-not-acted-on server keyword of the ssh2 table", name)
		}
	}
}
