package knownhosts

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

type result struct {
	out, err string
	rc       int
}

func run(t *testing.T, stdin, name string, args ...string) result {
	t.Helper()
	r := testenv.Run(t, exec.Command(name, args...), stdin)
	return result{r.Out, r.Err, r.RC}
}

func khRun(t *testing.T, args ...string) result {
	t.Helper()
	return run(t, "", testenv.Bin(t, "known-hosts"), args...)
}

func keygen(t *testing.T, args ...string) result {
	t.Helper()
	return run(t, "", testenv.NeedCmd(t, "ssh-keygen"), args...)
}

func must(t *testing.T, r result, what string) result {
	t.Helper()
	if r.rc != 0 {
		t.Fatalf("%s: exit %d\n%s%s", what, r.rc, r.out, r.err)
	}
	return r
}

// server is a real OpenSSH sshd with ed25519, ecdsa and rsa host keys.
type server struct {
	*testenv.OpenSSHD
	pubs map[string]string // type -> "type base64"
}

func startServer(t *testing.T) *server {
	t.Helper()
	dir := t.TempDir()
	extra := ""
	pubs := map[string]string{}
	for _, typ := range []string{"ecdsa", "rsa"} {
		p := filepath.Join(dir, "host_"+typ)
		args := []string{"-q", "-t", typ, "-N", "", "-f", p}
		if typ == "rsa" {
			args = append(args, "-b", "2048")
		}
		must(t, keygen(t, args...), "host keygen")
		extra += "HostKey " + p + "\n"
		pubs[typ] = body(readFile(t, p+".pub"))
	}
	s := testenv.StartOpenSSHD(t, extra)
	pubs["ed25519"] = body(readFile(t, s.HostKey+".pub"))
	return &server{s, pubs}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func body(s string) string {
	f := strings.Fields(s)
	if len(f) < 2 {
		return s
	}
	return f[0] + " " + f[1]
}

// sshAccepts reports whether OpenSSH's ssh, with StrictHostKeyChecking
// yes and only file as known_hosts, gets past host key verification (it
// then fails authentication, having no keys).
func sshAccepts(t *testing.T, file string, port int) bool {
	t.Helper()
	r := run(t, "", testenv.NeedCmd(t, "ssh"), "-F", "/dev/null", "-o", "StrictHostKeyChecking=yes",
		"-o", "UserKnownHostsFile="+file, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
		"-o", "PubkeyAuthentication=no", "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no",
		"-p", fmt.Sprint(port), "nobody@127.0.0.1", "true")
	if strings.Contains(r.err, "Host key verification failed") {
		return false
	}
	if !strings.Contains(r.err, "Permission denied") {
		t.Fatalf("unexpected ssh result: %d %s", r.rc, r.err)
	}
	return true
}

func sortedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

func TestScanListFindHashRemove(t *testing.T) {
	s := startServer(t)
	file := filepath.Join(t.TempDir(), "ssh", "known_hosts")
	name := fmt.Sprintf("[127.0.0.1]:%d", s.Port)
	port := fmt.Sprint(s.Port)
	if sshAccepts(t, file, s.Port) {
		t.Fatal("ssh accepted an unknown host")
	}

	// scan prints what ssh-keyscan prints, and --add stores it.
	r := must(t, khRun(t, "-f", file, "scan", "-p", port, "--add", "127.0.0.1"), "scan")
	want := must(t, run(t, "", testenv.NeedCmd(t, "ssh-keyscan"), "-p", port, "127.0.0.1"), "ssh-keyscan")
	if got, exp := sortedLines(r.out), sortedLines(want.out); strings.Join(got, "\n") != strings.Join(exp, "\n") {
		t.Errorf("scan:\n%s\nssh-keyscan:\n%s", strings.Join(got, "\n"), strings.Join(exp, "\n"))
	}
	if !strings.Contains(r.err, "# 127.0.0.1:"+port+" SSH-2.0-OpenSSH") {
		t.Errorf("scan stderr %q", r.err)
	}
	if st, _ := os.Stat(file); st == nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("known_hosts not created 0600")
	}
	if st, _ := os.Stat(filepath.Dir(file)); st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v", st.Mode().Perm())
	}
	if !sshAccepts(t, file, s.Port) {
		t.Fatal("ssh rejected the scanned keys")
	}
	if f := keygen(t, "-F", name, "-f", file); strings.Count(f.out, "# Host") != 3 {
		t.Errorf("ssh-keygen -F after scan:\n%s", f.out)
	}
	// A second scan --add adds nothing.
	before := readFile(t, file)
	must(t, khRun(t, "-f", file, "scan", "-p", port, "--add", "127.0.0.1"), "rescan")
	if readFile(t, file) != before {
		t.Error("second scan --add changed the file")
	}
	// -t restricts the types.
	r = must(t, khRun(t, "scan", "-t", "ed25519", "-p", port, "127.0.0.1"), "scan -t")
	if got := sortedLines(r.out); len(got) != 1 || !strings.HasSuffix(got[0], s.pubs["ed25519"]) {
		t.Errorf("scan -t ed25519: %q", r.out)
	}

	// [host]:port names the port for that host.
	r = must(t, khRun(t, "scan", "-t", "ed25519", name), "scan [host]:port")
	if got := sortedLines(r.out); len(got) != 1 || got[0] != name+" "+s.pubs["ed25519"] {
		t.Errorf("scan %s: %q", name, r.out)
	}
	if r := khRun(t, "scan", "-T", "2", "-p", "1", "127.0.0.1"); r.rc != 1 || !strings.Contains(r.err, "127.0.0.1:1") {
		t.Errorf("scan of a closed port: %+v", r)
	}

	// Other entries that remove must leave alone.
	// (With keys the server does not have: OpenSSH's ssh also trusts a
	// host's port 22 entries on other ports.)
	otherKey := filepath.Join(t.TempDir(), "other")
	must(t, keygen(t, "-q", "-t", "ed25519", "-N", "", "-f", otherKey), "keygen")
	other := otherKey + ".pub"
	must(t, khRun(t, "-f", file, "add", "127.0.0.1", other), "add port 22")
	must(t, khRun(t, "add", "-f", file, "[127.0.0.1]:2", other), "add port 2")
	r = run(t, readFile(t, other), testenv.Bin(t, "known-hosts"), "-f", file, "add", "[127.0.0.1]:3", "-")
	must(t, r, "add from stdin")

	// list: one line per entry with fingerprints OpenSSH agrees with.
	r = must(t, khRun(t, "-f", file, "list"), "list")
	if n := len(sortedLines(r.out)); n != 6 {
		t.Errorf("list has %d lines:\n%s", n, r.out)
	}
	fp := keygen(t, "-l", "-f", s.HostKey+".pub").out
	if !strings.Contains(r.out, name+" ED25519 "+strings.Fields(fp)[1]) {
		t.Errorf("list lacks the ed25519 fingerprint %s:\n%s", strings.Fields(fp)[1], r.out)
	}
	r = must(t, khRun(t, "-f", file, "find", name), "find")
	if len(sortedLines(r.out)) != 3 {
		t.Errorf("find %s:\n%s", name, r.out)
	}
	if r := khRun(t, "-f", file, "find", "[127.0.0.1]:4"); r.rc != 1 || r.out != "" {
		t.Errorf("find of an unknown port: %+v", r)
	}

	// hash: names hidden, OpenSSH still finds them, ssh still accepts.
	os.Chmod(file, 0o640)
	must(t, khRun(t, "-f", file, "hash"), "hash")
	if strings.Contains(readFile(t, file), "127.0.0.1") {
		t.Errorf("names left after hash:\n%s", readFile(t, file))
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o640 {
		t.Errorf("hash changed the mode to %v", st.Mode().Perm())
	}
	if f := keygen(t, "-F", name, "-f", file); strings.Count(f.out, "# Host") != 3 {
		t.Errorf("ssh-keygen -F after hash:\n%s", f.out)
	}
	r = must(t, khRun(t, "-f", file, "list"), "list hashed")
	if strings.Count(r.out, "(hashed)") != 6 {
		t.Errorf("list after hash:\n%s", r.out)
	}
	if !sshAccepts(t, file, s.Port) {
		t.Fatal("ssh rejected the hashed file")
	}

	// remove: that host and port only.
	r = must(t, khRun(t, "-f", file, "remove", name), "remove")
	if sshAccepts(t, file, s.Port) {
		t.Fatal("ssh still accepts after remove")
	}
	for _, h := range []string{"127.0.0.1", "[127.0.0.1]:2", "[127.0.0.1]:3"} {
		if f := keygen(t, "-F", h, "-f", file); f.rc != 0 {
			t.Errorf("remove took %s too", h)
		}
	}
	if r := khRun(t, "-f", file, "remove", name); r.rc != 1 {
		t.Errorf("second remove: %+v", r)
	}
}

func TestAddRefusesChangedKey(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "known_hosts")
	for _, n := range []string{"a", "b"} {
		must(t, keygen(t, "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, n)), "keygen")
	}
	must(t, khRun(t, "-f", file, "add", "--hash", "h.example", filepath.Join(dir, "a.pub")), "add")
	before := readFile(t, file)
	r := khRun(t, "-f", file, "add", "h.example", filepath.Join(dir, "b.pub"))
	if r.rc != 1 || !strings.Contains(r.err, "remove h.example") {
		t.Errorf("changed key: %+v", r)
	}
	if readFile(t, file) != before {
		t.Error("file changed")
	}
	if r := khRun(t, "-f", file, "add", "h.example", filepath.Join(dir, "missing.pub")); r.rc != 1 || !strings.Contains(r.err, "missing.pub") {
		t.Errorf("missing key file: %+v", r)
	}
	if r := khRun(t, "-f", file, "add", "bad host", filepath.Join(dir, "a.pub")); r.rc != 1 {
		t.Errorf("bad host: %+v", r)
	}
}

// An ssh2 host key directory (RFC 4716 files from OpenSSH's -e) imports
// into a known_hosts that OpenSSH's ssh accepts, and exports back.
func TestSSH2DirectoryRoundTrip(t *testing.T) {
	s := startServer(t)
	dir := filepath.Join(t.TempDir(), "hostkeys")
	os.Mkdir(dir, 0o755)
	exp := must(t, keygen(t, "-e", "-f", s.HostKey+".pub"), "ssh-keygen -e").out
	files := map[string]string{
		fmt.Sprintf("key_%d_127.0.0.1.pub", s.Port): exp,
		"key_22_alpha_137vms.example.pub":           exp, // alpha_vms.example
		"key_2022_node_072x.pub":                    exp, // node:x
	}
	for n, c := range files {
		os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644)
	}
	file := filepath.Join(t.TempDir(), "known_hosts")
	r := must(t, khRun(t, "-f", file, "import-ssh2", dir), "import-ssh2")
	if !strings.Contains(r.out, "Imported 3 keys") {
		t.Errorf("import: %q", r.out)
	}
	if !sshAccepts(t, file, s.Port) {
		t.Fatal("ssh rejected the imported key")
	}
	for _, h := range []string{"alpha_vms.example", "[node:x]:2022"} {
		if f := keygen(t, "-F", h, "-f", file); f.rc != 0 {
			t.Errorf("OpenSSH does not find %s:\n%s", h, readFile(t, file))
		}
	}
	out := filepath.Join(t.TempDir(), "exported")
	must(t, khRun(t, "-f", file, "export-ssh2", out), "export-ssh2")
	ents, _ := os.ReadDir(out)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
		back := must(t, keygen(t, "-i", "-f", filepath.Join(out, e.Name())), "ssh-keygen -i").out
		if body(back) != s.pubs["ed25519"] {
			t.Errorf("%s: %q", e.Name(), back)
		}
	}
	var want []string
	for n := range files {
		want = append(want, n)
	}
	sort.Strings(names)
	sort.Strings(want)
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("exported %v, want %v", names, want)
	}
	// Importing again adds nothing.
	if r := must(t, khRun(t, "-f", file, "import-ssh2", dir), "re-import"); !strings.Contains(r.out, "Imported 0 keys") {
		t.Errorf("re-import: %q", r.out)
	}
	// A broken file is named, the rest still imports.
	os.WriteFile(filepath.Join(dir, "key_22_broken.pub"), []byte("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n"), 0o644)
	r = khRun(t, "-f", file, "import-ssh2", dir)
	if r.rc != 1 || !strings.Contains(r.err, "key_22_broken.pub") {
		t.Errorf("broken file: %+v", r)
	}
	// A name that decodes to a pattern ("*", "a,b") is refused: as a
	// known_hosts line its key would be trusted for other hosts.
	os.Remove(filepath.Join(dir, "key_22_broken.pub"))
	before := readFile(t, file)
	for _, n := range []string{"key_22__052.pub", "key_22_a_054b.pub"} {
		os.WriteFile(filepath.Join(dir, n), []byte(exp), 0o644)
		r = khRun(t, "-f", file, "import-ssh2", dir)
		if r.rc != 1 || !strings.Contains(r.err, n+": host") || !strings.Contains(r.err, "would be a known_hosts pattern") || readFile(t, file) != before {
			t.Errorf("%s: %+v\n%s", n, r, readFile(t, file))
		}
		os.Remove(filepath.Join(dir, n))
	}
}

// Every rewrite is atomic: when the write fails (file size limit), the old
// file stays whole and no temporary file is left.
func TestFailedRewriteLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	must(t, keygen(t, "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, "k")), "keygen")
	key := body(readFile(t, filepath.Join(dir, "k.pub")))
	file := filepath.Join(dir, "known_hosts")
	var lines []string
	for i := 0; i < 20; i++ {
		lines = append(lines, fmt.Sprintf("host%d.example %s", i, key))
	}
	before := strings.Join(lines, "\n") + "\n"
	os.WriteFile(file, []byte(before), 0o640)
	for _, args := range [][]string{{"remove", "host3.example"}, {"hash"}, {"add", "new.example", filepath.Join(dir, "k.pub")}} {
		argv := append([]string{"-c", `ulimit -f 1; exec "$0" "$@"`, testenv.Bin(t, "known-hosts"), "-f", file}, args...)
		r := run(t, "", "/bin/sh", argv...)
		if r.rc == 0 {
			t.Fatalf("%v succeeded under ulimit -f 1", args)
		}
		if readFile(t, file) != before {
			t.Fatalf("%v damaged the file", args)
		}
		if st, _ := os.Stat(file); st.Mode().Perm() != 0o640 {
			t.Fatalf("%v changed the mode", args)
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp") {
				t.Fatalf("%v left %s", args, e.Name())
			}
		}
	}
	// Without the limit the same commands work and keep the mode.
	must(t, khRun(t, "-f", file, "remove", "host3.example"), "remove")
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o640 || strings.Contains(readFile(t, file), "host3.example ") {
		t.Fatalf("remove: mode %v", st.Mode().Perm())
	}
}
