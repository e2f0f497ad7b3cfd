package e2e

import (
	"bytes"
	"crypto/rand"
	"debug/elf"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestCiphersCarryData: every cipher sshbox offers carries a megabyte and a
// bit both ways through `cat` against the other implementation, sshbox's
// ssh to OpenSSH's sshd and OpenSSH's ssh to sshbox's sshd. One side
// encrypts with OpenSSL and the other decrypts with x/crypto (for ChaCha20
// and Poly1305 on amd64, with the assembly scripts/xcrypto adds: its packets
// of 32 KiB take the vector Poly1305), so a key stream or a tag that
// differs anywhere in the megabyte shows as a MAC failure or other bytes.
func TestCiphersCarryData(t *testing.T) {
	t.Parallel()
	data := make([]byte, 1<<20+4321)
	rand.Read(data)
	e, _ := openSSHEnv(t, "")
	ours := testenv.StartSshbox(t, "")
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	for _, c := range []string{"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
		"aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr"} {
		catBothWays(t, e, ours.Port, key, u.Name, data, c, "-c", c)
	}
}

// TestMACsCarryData: every MAC sshbox has (`ssh -Q mac`) carries a
// megabyte and a bit both ways through `cat` under AES-CTR, sshbox's ssh
// to OpenSSH's sshd and OpenSSH's ssh to sshbox's sshd: OpenSSH computes
// the tags with its own code (UMAC with its umac.c), so a tag that differs
// for any packet ends the connection. Builds through scripts/xcrypto have
// UMAC (_xcrypto/ssh/umac_sshbox.go); packets of up to 32 KiB make UMAC
// hash several 1024-byte chunks and so use its second layer.
func TestMACsCarryData(t *testing.T) {
	t.Parallel()
	data := make([]byte, 1<<20+4321)
	rand.Read(data)
	out, err := exec.Command(testenv.Bin(t, "ssh"), "-Q", "mac").Output()
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := exec.Command(testenv.NeedCmd(t, "ssh"), "-Q", "mac").Output()
	if err != nil {
		t.Fatal(err)
	}
	// What both have, but for the truncated hmac-sha1-96, which OpenSSH's
	// sshd does not offer by default; sshbox's sshd offers them all
	// (by default only the first three).
	macs := slices.DeleteFunc(strings.Fields(string(out)), func(m string) bool {
		return !slices.Contains(strings.Fields(string(theirs)), m) || strings.HasSuffix(m, "-96")
	})
	e, _ := openSSHEnv(t, "")
	ours := testenv.StartSshbox(t, "MACs "+strings.Join(macs, ","))
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	wantUMAC := strings.Contains(os.Getenv("GOFLAGS"), "/x-crypto-")
	for _, m := range []string{"umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com"} {
		if slices.Contains(strings.Fields(string(out)), m) != wantUMAC {
			t.Errorf("ssh -Q mac lists %s: %v, want %v (built through scripts/xcrypto: %v)", m, !wantUMAC, wantUMAC, wantUMAC)
		}
	}
	for _, m := range macs {
		catBothWays(t, e, ours.Port, key, u.Name, data, m, "-c", "aes128-ctr", "-m", m)
	}
}

// catBothWays sends data through `cat` and back with the ssh options
// opts (named what in errors): sshbox's ssh to OpenSSH's sshd (e), then
// OpenSSH's ssh to sshbox's sshd on port as user with key.
func catBothWays(t *testing.T, e *sshEnv, port int, key, user string, data []byte, what string, opts ...string) {
	t.Helper()
	stdout, stderr, status := e.run(bytes.NewReader(data), slices.Concat(e.base(), []string{"-o", "BatchMode=yes"}, opts, []string{e.dest(), "cat"})...)
	if status != 0 || stdout != string(data) {
		t.Errorf("%s, sshbox's ssh to OpenSSH's sshd: status %d, %d bytes back of %d, stderr %q", what, status, len(stdout), len(data), stderr)
	}
	args := slices.Concat(opts, testenv.SSHArgs(key, port, user), []string{"cat"})
	r := testenv.Run(t, exec.Command(testenv.NeedCmd(t, "ssh"), args...), string(data))
	if r.RC != 0 || r.Out != string(data) {
		t.Errorf("%s, OpenSSH's ssh to sshbox's sshd: status %d, %d bytes back of %d, stderr %q", what, r.RC, len(r.Out), len(data), r.Err)
	}
}

// TestChaCha20Assembly: the sshbox binary the tests built links the AVX-512
// and AVX2 ChaCha20 and the AVX2 Poly1305 of _xcrypto/ exactly when it was
// built for amd64 through scripts/xcrypto (its -modfile in GOFLAGS, as
// scripts/test, scripts/build and scripts/bench build); otherwise it has
// x/crypto's generic code alone.
func TestChaCha20Assembly(t *testing.T) {
	want := runtime.GOARCH == "amd64" && strings.Contains(os.Getenv("GOFLAGS"), "/x-crypto-")
	_, syms := binarySymbols(t)
	for _, name := range []string{"golang.org/x/crypto/chacha20.xorKeyStreamAVX2",
		"golang.org/x/crypto/chacha20.xorKeyStreamAVX512", "golang.org/x/crypto/internal/poly1305.blocksAVX2"} {
		has := false
		for _, s := range syms {
			has = has || strings.HasPrefix(s.Name, name)
		}
		if has != want {
			t.Errorf("GOFLAGS=%q on %s: %s has %s: %v, want %v",
				os.Getenv("GOFLAGS"), runtime.GOARCH, testenv.Bin(t, ""), name, has, want)
		}
	}
}

// TestP256TableNotCarried: the sshbox binary the tests built carries P-256's
// table of the generator's multiples as zeroed memory (.noptrbss, filled at
// run time) exactly when scripts/xcrypto applied _std/ (its -overlay in
// GOFLAGS); otherwise as upstream's initialised array (.noptrdata).
func TestP256TableNotCarried(t *testing.T) {
	want := ".noptrdata"
	if strings.Contains(os.Getenv("GOFLAGS"), "-overlay=") && strings.HasSuffix(os.Getenv("GOFLAGS"), "/std.json") {
		want = ".noptrbss"
	}
	f, syms := binarySymbols(t)
	for _, s := range syms {
		if s.Name != "crypto/internal/fips140/nistec.p256PrecomputedEmbed" {
			continue
		}
		if s.Size != 88064 || int(s.Section) >= len(f.Sections) || f.Sections[s.Section].Name != want {
			t.Errorf("GOFLAGS=%q: the table is %d bytes in section %d, want 88064 in %s", os.Getenv("GOFLAGS"), s.Size, s.Section, want)
		}
		return
	}
	t.Errorf("%s has no P-256 table", testenv.Bin(t, ""))
}

// TestRuntimeMetricsNotCarried: where scripts/xcrypto applied _std/, the
// binary has no table of the runtime's metrics (runtime.initMetrics),
// which only GODEBUG's counters of non-default behaviour linked; without
// _std/ it has.
func TestRuntimeMetricsNotCarried(t *testing.T) {
	want := !(strings.Contains(os.Getenv("GOFLAGS"), "-overlay=") && strings.HasSuffix(os.Getenv("GOFLAGS"), "/std.json"))
	_, syms := binarySymbols(t)
	got := slices.ContainsFunc(syms, func(s elf.Symbol) bool { return s.Name == "runtime.initMetrics" })
	if got != want {
		t.Errorf("GOFLAGS=%q: runtime.initMetrics in the binary: %v, want %v", os.Getenv("GOFLAGS"), got, want)
	}
}

// binarySymbols opens the sshbox binary the tests built (closed when the
// test ends) and reads its symbol table.
func binarySymbols(t *testing.T) (*elf.File, []elf.Symbol) {
	t.Helper()
	f, err := elf.Open(testenv.Bin(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	return f, syms
}
