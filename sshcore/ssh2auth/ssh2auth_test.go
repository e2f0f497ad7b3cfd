package ssh2auth

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	file := `# ssh2 authorization
Key id_dsa_2048_a.pub
Options allow-from="10\.1\..*,\i192\.168\.1\.5",no-pty, no-X11-forwarding,command="/usr/bin/backup --all, fast"
Options deny-from=".*\.example\.com",environment="LANG=C",no-port-forwarding,no-agent-forwarding

KEY ID_RSA_2048_B.PUB
Command "/bin/date"
PgpPublicKeyFile pgp.pub
PgpKeyName somebody
Options no-pty
Key "c key.pub"
Options idle-timeout=300,no-pty,frobnicate
`
	got, err := Parse(strings.Split(file, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Key{
		{Line: 2, File: "id_dsa_2048_a.pub", Command: "/usr/bin/backup --all, fast", HasCommand: true,
			AllowFrom: []string{`10\.1\..*,\i192\.168\.1\.5`}, DenyFrom: []string{`.*\.example\.com`},
			Environment: []string{"LANG=C"}, NoPty: true, NoPortForwarding: true, NoX11Forwarding: true, NoAgentForwarding: true},
		{Line: 6, File: "ID_RSA_2048_B.PUB", Command: "/bin/date", HasCommand: true},
		{Line: 9, File: "somebody", PGP: true, NoPty: true},
		{Line: 11, File: "c key.pub", NoPty: true, Unsupported: "idle-timeout"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

// A file sshbox cannot read in full gives no keys: the error names the line.
func TestParseErrors(t *testing.T) {
	for text, want := range map[string]string{
		"Options no-pty\nKey a.pub\n":                    "line 1: Options before any Key",
		"Key a.pub\nAllowFrom x\n":                       `line 2: unknown keyword "AllowFrom"`,
		"Key\n":                                          `line 1: no argument after keyword "Key"`,
		"Key a.pub\nOptions command=\"x\n":               "line 2: option command: unterminated quotes",
		"Key a.pub\nOptions no-pty=yes\n":                "line 2: option no-pty takes no value",
		"Key a.pub\nOptions allow-from\n":                "line 2: option allow-from needs a value",
		"Key a.pub\nOptions environment=\"X\"\n":         `line 2: option environment wants NAME=value, not "X"`,
		"Key a.pub\nOptions command=\"x\"y\n":            `line 2: option command: unexpected "y"`,
		"Key a.pub\nOptions no-pty,,no-x11-forwarding\n": "line 2: empty option",
		"# only a comment\nKey a.pub\nCommand\n":         `line 3: no argument after keyword "Command"`,
		"Key a.pub\nOptions \"no-pty\",command=\"/x\"\n": "line 2: option command: unterminated quotes",
	} {
		_, err := Parse(strings.Split(text, "\n"))
		if err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %q", text, err, want)
		}
	}
}

// FuzzParse: no input panics, and every key Parse returns came from a Key
// (or PGP) line of the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Key id_dsa_2048_a.pub\nOptions allow-from=\"10\\.1\\..*\",no-pty,command=\"/x, y\"\n",
		"KEY ID_RSA.PUB\nCommand \"/bin/date\"\n",
		"PgpKeyName x\nOptions no-pty\nKey b\nOptions idle-timeout=5,environment=\"A=b\"\n",
		"Options x\n", "Key a\nOptions command=\"\\\"\\\\\"\n", "#\n\n\tKey\t\"a b\"\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		keys, err := Parse(lines)
		if err != nil {
			return
		}
		for _, k := range keys {
			if k.Line < 1 || k.Line > len(lines) || k.File == "" {
				t.Fatalf("key %+v from %q", k, s)
			}
			kw := strings.ToLower(strings.Fields(lines[k.Line-1])[0])
			if kw != "key" && !k.PGP {
				t.Fatalf("key %+v from line %q", k, lines[k.Line-1])
			}
		}
	})
}

func TestParseIdentification(t *testing.T) {
	got, err := ParseIdentification(strings.Split("# keys\nIdKey id_rsa_2048_a\nIDKEY \"/keys/b key\"\nPgpSecretKeyFile secring.skr\nIdPgpKeyName me\n", "\n"))
	want := []IdKey{{Line: 2, File: "id_rsa_2048_a"}, {Line: 3, File: "/keys/b key"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
	for text, want := range map[string]string{
		"IdKey a\nKey b.pub\n": `line 2: unknown keyword "Key"`,
		"IdKey\n":              `line 1: no argument after keyword "IdKey"`,
	} {
		if _, err := ParseIdentification(strings.Split(text, "\n")); err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %q", text, err, want)
		}
	}
}

// FuzzParseIdentification: no input panics, and every key comes from an
// IdKey line.
func FuzzParseIdentification(f *testing.F) {
	for _, s := range []string{"IdKey id_rsa_2048_a\n", "# x\nIDKEY \"a b\"\nIdPgpKeyId 0x1\n", "IdKey\n", "Key a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		ids, err := ParseIdentification(lines)
		if err != nil {
			return
		}
		for _, k := range ids {
			if k.Line < 1 || k.Line > len(lines) || k.File == "" || strings.ToLower(strings.Fields(lines[k.Line-1])[0]) != "idkey" {
				t.Fatalf("key %+v from %q", k, s)
			}
		}
	})
}
