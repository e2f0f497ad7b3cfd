package sshkeygen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// knownHostsFixture writes a known_hosts file with every entry form and
// returns its path (plain) and a copy hashed by OpenSSH.
func knownHostsFixture(t *testing.T) (plain, hashed string) {
	t.Helper()
	dir := t.TempDir()
	var keys []string
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		f := filepath.Join(dir, "k_"+typ)
		args := genArgs(typ, "", f, "", "k")
		if typ == "rsa" {
			args = genArgs(typ, "2048", f, "", "k")
		}
		must(t, ossh(t, args...), "keygen")
		keys = append(keys, pubBody(readFile(t, f+".pub")))
	}
	content := strings.Join([]string{
		"# known hosts",
		"alpha.example,192.0.2.1 " + keys[0] + " alpha",
		"[alpha.example]:2222 " + keys[1],
		"[alpha.example]:2222,[192.0.2.1]:2222 " + keys[2],
		"beta.example " + keys[0],
		"*.wild.example,!no.wild.example " + keys[1],
		"@cert-authority *.example " + keys[2],
		"@revoked alpha.example " + keys[1],
		"",
		"alpha.example " + keys[2],
		"[beta.example]:22 " + keys[1],
	}, "\n") + "\n"
	plain = filepath.Join(dir, "known_hosts")
	os.WriteFile(plain, []byte(content), 0o600)
	hashed = filepath.Join(dir, "known_hosts_hashed")
	os.WriteFile(hashed, []byte(content), 0o640)
	must(t, ossh(t, "-H", "-f", hashed), "OpenSSH -H")
	return plain, hashed
}

var lookups = []string{"alpha.example", "ALPHA.example", "192.0.2.1", "[alpha.example]:2222", "[192.0.2.1]:2222",
	"beta.example", "[beta.example]:22", "x.wild.example", "no.wild.example", "ca.example", "nowhere"}

func TestFindAgreesWithOpenSSH(t *testing.T) {
	plain, hashed := knownHostsFixture(t)
	// -l on whole files: known_hosts (plain, hashed) and authorized_keys.
	ak := filepath.Join(t.TempDir(), "authorized_keys")
	k := pubBody(strings.Fields(readFile(t, plain))[4] + " " + strings.Fields(readFile(t, plain))[5])
	// (A key without comment comes first: OpenSSH prints a stale comment
	// for one that follows a commented line.)
	os.WriteFile(ak, []byte("# keys\n"+k+"\ncommand=\"echo hi\",no-pty "+k+" with options\n"+k+" bare\n"), 0o600)
	for _, f := range []string{plain, hashed, ak} {
		for _, args := range [][]string{{"-l", "-f", f}, {"-lv", "-E", "md5", "-f", f}} {
			if got, want := sb(t, args...), ossh(t, args...); got.out != want.out || got.rc != want.rc {
				t.Errorf("%v:\nsshbox %d\n%s\nOpenSSH %d\n%s", args, got.rc, got.out, want.rc, want.out)
			}
		}
	}
	for _, f := range []string{plain, hashed} {
		for _, h := range lookups {
			for _, extra := range [][]string{nil, {"-l"}, {"-l", "-E", "md5"}, {"-q"}} {
				args := append(append([]string{"-F", h}, extra...), "-f", f)
				got, want := sb(t, args...), ossh(t, args...)
				if got.rc != want.rc || got.out != want.out || got.err != want.err {
					t.Errorf("%v:\nsshbox %d\n%s%s\nOpenSSH %d\n%s%s", args, got.rc, got.out, got.err, want.rc, want.out, want.err)
				}
			}
		}
	}
}

// hostsView is what OpenSSH finds for every lookup name, hashes masked:
// two files are equivalent when this agrees.
func hostsView(t *testing.T, file string) string {
	t.Helper()
	var b strings.Builder
	for _, h := range lookups {
		r := ossh(t, "-l", "-F", h, "-f", file)
		b.WriteString(h + ":" + r.out + "\n")
	}
	return b.String()
}

func TestRemoveAgreesWithOpenSSH(t *testing.T) {
	for _, h := range lookups {
		plain, hashed := knownHostsFixture(t)
		for _, f := range []string{plain, hashed} {
			mine := f + ".sshbox"
			data := readFile(t, f)
			os.WriteFile(mine, []byte(data), mode(t, f))
			got, want := sb(t, "-R", h, "-f", mine), ossh(t, "-R", h, "-f", f)
			norm := func(s string) string { return strings.ReplaceAll(s, mine, f) }
			if got.rc != want.rc || norm(got.out) != want.out || norm(got.err) != want.err {
				t.Errorf("-R %s -f %s:\nsshbox %d\n%s%s\nOpenSSH %d\n%s%s", h, f, got.rc, got.out, got.err, want.rc, want.out, want.err)
			}
			if readFile(t, mine) != readFile(t, f) {
				t.Errorf("-R %s: files differ:\n%s\nvs\n%s", h, readFile(t, mine), readFile(t, f))
			}
			if mode(t, mine) != mode(t, f) {
				t.Errorf("-R %s: mode %v vs %v", h, mode(t, mine), mode(t, f))
			}
			if want.out != "" && readFile(t, mine+".old") != data {
				t.Errorf("-R %s: .old is not the previous file", h)
			}
		}
	}
}

func TestHashAgreesWithOpenSSH(t *testing.T) {
	plain, hashed := knownHostsFixture(t)
	for _, f := range []string{plain, hashed} {
		mine := f + ".sshbox"
		data := readFile(t, f)
		os.WriteFile(mine, []byte(data), mode(t, f))
		os.Chmod(mine, mode(t, f))
		got, want := sb(t, "-H", "-f", mine), ossh(t, "-H", "-f", f)
		norm := func(s string) string { return strings.ReplaceAll(s, mine, f) }
		if got.rc != want.rc || norm(got.out) != want.out || norm(got.err) != want.err {
			t.Errorf("-H -f %s:\nsshbox %d\n%s%s\nOpenSSH %d\n%s%s", f, got.rc, got.out, got.err, want.rc, want.out, want.err)
		}
		if hostsView(t, mine) != hostsView(t, f) {
			t.Errorf("-H: OpenSSH finds different entries:\n%s\nvs\n%s", hostsView(t, mine), hostsView(t, f))
		}
		if strings.Count(readFile(t, mine), "\n") != strings.Count(readFile(t, f), "\n") {
			t.Errorf("-H line counts differ")
		}
		if mode(t, mine) != mode(t, f) || readFile(t, mine+".old") != data {
			t.Errorf("-H: mode %v vs %v, or .old wrong", mode(t, mine), mode(t, f))
		}
	}
	// -F with -H prints hashed lines: OpenSSH finds the host in them.
	r := must(t, sb(t, "-F", "alpha.example", "-H", "-f", plain), "-F -H")
	p := filepath.Join(t.TempDir(), "kh")
	var lines []string
	for _, l := range strings.Split(r.out, "\n") {
		if strings.HasPrefix(l, "|1|") {
			lines = append(lines, l)
		}
	}
	os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	if got := ossh(t, "-F", "alpha.example", "-f", p); got.rc != 0 || strings.Count(got.out, "# Host") != 2 {
		t.Errorf("OpenSSH on -F -H output: %+v", got)
	}
}

// A rewrite that fails (here: the file size limit) leaves the old file.
func TestFailedRewriteLeavesOldFile(t *testing.T) {
	plain, _ := knownHostsFixture(t)
	before := readFile(t, plain)
	for _, args := range [][]string{{"-H", "-f", plain}, {"-R", "alpha.example", "-f", plain}} {
		r := runCmd(t, "", "/bin/sh", append([]string{"-c", `ulimit -f 1; exec "$0" "$@"`, binKeygen(t)}, args...)...)
		if r.rc == 0 {
			t.Fatalf("%v succeeded under ulimit -f 1", args)
		}
		if readFile(t, plain) != before {
			t.Fatalf("%v damaged the file", args)
		}
		entries, _ := os.ReadDir(filepath.Dir(plain))
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp") {
				t.Errorf("temporary file left: %s", e.Name())
			}
		}
	}
	// And a failed key write leaves the old key.
	f := filepath.Join(t.TempDir(), "id")
	must(t, sb(t, genArgs("rsa", "2048", f, "", "c")...), "keygen")
	key := readFile(t, f)
	r := runCmd(t, "", "/bin/sh", "-c", `ulimit -f 1; exec "$0" "$@"`, binKeygen(t), "-p", "-N", "newpass", "-f", f)
	if r.rc == 0 || readFile(t, f) != key {
		t.Errorf("-p under ulimit: exit %d, key changed %v", r.rc, readFile(t, f) != key)
	}
}
