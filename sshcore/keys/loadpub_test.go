package keys

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadPublic: sshkey_load_public's order and comments: path, then
// path.pub even when path is missing, then a private key's stored half
// (no comment); a key file without a comment is named by the file read.
func TestLoadPublic(t *testing.T) {
	dir := t.TempDir()
	signer, pub := testSigner(t)
	line := AuthorizedLine(pub, "")
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	only := filepath.Join(dir, "only")
	write("only.pub", line+"\n")
	bare := write("bare", "# c\n\njunk\n"+line+" the comment\r\n")
	priv := filepath.Join(dir, "priv")
	if err := SavePrivate(priv, &PrivateKey{Key: signer, Comment: "stored"}, nil); err != nil {
		t.Fatal(err)
	}
	beforePriv := write("pem", "-----BEGIN\n"+line+"\n")
	for _, c := range []struct{ path, comment string }{
		{only, only + ".pub"},
		{only + ".pub", only + ".pub"},
		{bare, "the comment"},
		{priv, ""},
	} {
		k, comment, err := LoadPublic(c.path)
		if err != nil || !bytes.Equal(k.Marshal(), pub.Marshal()) || comment != c.comment {
			t.Errorf("%s: %v %q, want comment %q", c.path, err, comment, c.comment)
		}
	}
	for _, p := range []string{beforePriv, filepath.Join(dir, "none"), dir} {
		if _, _, err := LoadPublic(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v, want ErrNotExist", p, err)
		}
	}
}
