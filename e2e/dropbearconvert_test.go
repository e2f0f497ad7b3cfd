package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// dropbearconvert: sshbox's beside Dropbear's own, on keys OpenSSH's
// ssh-keygen made.

// runConvert runs a dropbearconvert (path) with args in dir and returns
// its standard output, standard error and status.
func runConvert(t *testing.T, path, dir string, stdin []byte, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := testenv.ExitCode(cmd.Run())
	if code < 0 {
		t.Fatalf("%s %v: did not run", path, args)
	}
	return out.String(), errb.String(), code
}

// TestDropbearconvertMatchesDropbear: for every key type and the forms
// ssh-keygen writes (OpenSSH's own, PEM), sshbox's dropbearconvert writes
// the very bytes Dropbear's writes, with the same messages; converted
// back, the key is the one ssh-keygen made (its public half), and
// Dropbear's dropbearconvert reads sshbox's OpenSSH output.
func TestDropbearconvertMatchesDropbear(t *testing.T) {
	t.Parallel()
	box, real := testenv.Bin(t, "dropbearconvert"), testenv.NeedCmd(t, "dropbearconvert")
	keygen := testenv.NeedCmd(t, "ssh-keygen")
	dir := t.TempDir()
	for _, spec := range [][]string{
		{"ed25519"}, {"rsa", "-b", "2048"}, {"rsa", "-b", "2048", "-m", "PEM"},
		{"ecdsa", "-b", "256"}, {"ecdsa", "-b", "384", "-m", "PEM"}, {"ecdsa", "-b", "521"},
	} {
		name := strings.Join(spec, "")
		key := filepath.Join(dir, name)
		args := append([]string{"-q", "-N", "", "-C", "", "-f", key, "-t"}, spec...)
		if out, err := exec.Command(keygen, args...).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen %v: %v\n%s", spec, err, out)
		}
		_, boxErr, code := runConvert(t, box, dir, nil, "openssh", "dropbear", name, name+".box")
		if code != 0 {
			t.Fatalf("%s: sshbox's dropbearconvert: status %d\n%s", name, code, boxErr)
		}
		_, realErr, code := runConvert(t, real, dir, nil, "openssh", "dropbear", name, name+".real")
		if code != 0 {
			t.Fatalf("%s: Dropbear's dropbearconvert: status %d\n%s", name, code, realErr)
		}
		boxKey, _ := os.ReadFile(filepath.Join(dir, name+".box"))
		realKey, _ := os.ReadFile(filepath.Join(dir, name+".real"))
		if len(realKey) == 0 || !bytes.Equal(boxKey, realKey) {
			t.Errorf("%s: Dropbear form differs from Dropbear's (%d and %d bytes)", name, len(boxKey), len(realKey))
		}
		if boxErr != strings.ReplaceAll(realErr, name+".real", name+".box") {
			t.Errorf("%s: messages %q, Dropbear's %q", name, boxErr, realErr)
		}
		if st, err := os.Stat(filepath.Join(dir, name+".box")); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: new key file mode %v (%v), want 0600", name, st.Mode(), err)
		}
		// Back to OpenSSH's form: the same key.
		if _, e, code := runConvert(t, box, dir, nil, "dropbear", "openssh", name+".real", name+".openssh"); code != 0 {
			t.Fatalf("%s: dropbear to openssh: status %d\n%s", name, code, e)
		}
		pub, err := exec.Command(keygen, "-y", "-f", filepath.Join(dir, name+".openssh")).Output()
		want, _ := os.ReadFile(key + ".pub")
		if err != nil || strings.TrimSpace(string(pub)) != strings.TrimSpace(string(want)) {
			t.Errorf("%s: ssh-keygen -y of the converted key: %q (%v), want %q", name, pub, err, want)
		}
		if _, e, code := runConvert(t, real, dir, nil, "openssh", "dropbear", name+".openssh", name+".again"); code != 0 {
			t.Fatalf("%s: Dropbear's dropbearconvert cannot read sshbox's OpenSSH form: status %d\n%s", name, code, e)
		}
		again, _ := os.ReadFile(filepath.Join(dir, name+".again"))
		if !bytes.Equal(again, realKey) {
			t.Errorf("%s: the round trip through sshbox's OpenSSH form changed the key", name)
		}
	}
	// "-" reads standard input (as Dropbear's does) and writes standard
	// output (Dropbear's makes a file named "-").
	in, _ := os.ReadFile(filepath.Join(dir, "ed25519"))
	out, e, code := runConvert(t, box, dir, in, "openssh", "dropbear", "-", "-")
	want, _ := os.ReadFile(filepath.Join(dir, "ed25519.real"))
	if code != 0 || out != string(want) {
		t.Errorf("stdin to stdout: status %d, %d bytes, want %d\n%s", code, len(out), len(want), e)
	}
}

// TestDropbearconvertErrors: Dropbear's messages and status 1 for a bad
// command line, an unreadable or unsupported key and an unwritable
// output; a failure leaves an existing output file as it was, and a
// successful rewrite keeps its mode.
func TestDropbearconvertErrors(t *testing.T) {
	t.Parallel()
	box, real := testenv.Bin(t, "dropbearconvert"), testenv.NeedCmd(t, "dropbearconvert")
	dir := t.TempDir()
	key := testenv.OpenSSHKey(t, dir, "ed25519")
	enc := filepath.Join(dir, "encrypted")
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-q", "-t", "ed25519", "-N", "secret", "-f", enc).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dir, "junk"), []byte("hello\n"), 0o600)
	dbKey := filepath.Join(dir, "dropbear_key")
	if _, e, code := runConvert(t, box, dir, nil, "openssh", "dropbear", key, dbKey); code != 0 {
		t.Fatalf("status %d\n%s", code, e)
	}
	// The command line: the first line is Dropbear's, then the usage.
	for _, args := range [][]string{
		{}, {"openssh", "dropbear", key}, {"putty", "dropbear", key, "x"}, {"openssh", "putty", key, "x"},
	} {
		_, boxErr, boxCode := runConvert(t, box, dir, nil, args...)
		_, realErr, realCode := runConvert(t, real, dir, nil, args...)
		boxFirst, _, _ := strings.Cut(boxErr, "\n")
		realFirst, _, _ := strings.Cut(realErr, "\n")
		if boxCode != 1 || realCode != 1 || boxFirst != realFirst || !strings.Contains(boxErr, "\nUsage: "+box+" <inputtype> <outputtype> <inputfile> <outputfile>\n") {
			t.Errorf("%q: status %d, %q; Dropbear's %d, %q", args, boxCode, boxErr, realCode, realErr)
		}
	}
	// Keys it cannot read: the reason, then Dropbear's line naming the file.
	for _, tc := range []struct {
		args   []string
		reason string
	}{
		{[]string{"openssh", "dropbear", "missing", "out"}, "Error: No such file or directory"},
		{[]string{"openssh", "dropbear", "junk", "out"}, "Error: invalid format"},
		{[]string{"dropbear", "openssh", "junk", "out"}, "Error: invalid format: Dropbear key: "},
		{[]string{"openssh", "dropbear", dbKey, "out"}, "Error: a Dropbear key, not an OpenSSH one"},
		{[]string{"openssh", "dropbear", enc, "out"}, "Error: the key is encrypted"},
	} {
		_, e, code := runConvert(t, box, dir, nil, tc.args...)
		if code != 1 || !strings.HasPrefix(e, tc.reason) || !strings.HasSuffix(e, "\nError reading key from '"+tc.args[2]+"'\n") {
			t.Errorf("%q: status %d, %q; want 1, %q...", tc.args, code, e, tc.reason)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("a failed conversion left an output file")
	}
	// An output it cannot write.
	_, e, code := runConvert(t, box, dir, nil, "openssh", "dropbear", key, filepath.Join(dir, "no", "such", "dir"))
	if code != 1 || !strings.HasSuffix(e, "Error writing key to '"+filepath.Join(dir, "no", "such", "dir")+"'\n") {
		t.Errorf("unwritable output: status %d, %q", code, e)
	}
	// An existing output: left whole by a failure, its mode kept by a
	// rewrite.
	old := filepath.Join(dir, "existing")
	os.WriteFile(old, []byte("old contents\n"), 0o640)
	if _, _, code := runConvert(t, box, dir, nil, "openssh", "dropbear", "junk", old); code != 1 {
		t.Errorf("junk over an existing file: status %d", code)
	}
	if b, _ := os.ReadFile(old); string(b) != "old contents\n" {
		t.Errorf("a failed conversion changed the existing output: %q", b)
	}
	if _, e, code := runConvert(t, box, dir, nil, "openssh", "dropbear", key, old); code != 0 {
		t.Fatalf("rewrite: status %d\n%s", code, e)
	}
	b, _ := os.ReadFile(old)
	want, _ := os.ReadFile(dbKey)
	if st, _ := os.Stat(old); !bytes.Equal(b, want) || st.Mode().Perm() != 0o640 {
		t.Errorf("rewrite: %d bytes, mode %v; want %d bytes, mode 0640", len(b), st.Mode().Perm(), len(want))
	}
}
