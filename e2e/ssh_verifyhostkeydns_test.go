package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// VerifyHostKeyDNS, sshbox's ssh and OpenSSH's side by side: an sshd and
// a DNS server serving SSHFP records (made by ssh-keygen -r) in a network
// namespace of the test's own, names for the sshd in a hosts file and the
// DNS server in a resolv.conf (with and without options trust-ad, which is
// what lets glibc, and so Debian's OpenSSH, believe the AD bit). Each case
// runs both clients from the same known_hosts and requires the same exit
// status, the same known_hosts afterwards, the same messages about the
// host key and the same DNS questions.

// dnsRun is what one client did.
type dnsRun struct {
	status int
	kh     string
	msgs   []string
	out    string
	qs     []dnsQuestion
}

// dnsMessage picks the lines about the host key out of a -v log.
var dnsMessage = regexp.MustCompile(`verify_host_key_dns|UpdateHostKeys|Learned new|in DNS|DNS lookup|SSHFP|numerical hostname|IDENTIFICATION HAS CHANGED|Permanently added|Host key verification failed|is known and matches|requested strict checking|Error calculating|Error parsing`)

// dnsCase is one connection: to host, with resolv.conf's options line,
// a known_hosts that lists the server's key (known), a wrong key for the
// host (wrong) or nothing, and the options given.
type dnsCase struct {
	host   string
	server string // resolv.conf's nameservers, when not the DNS server
	resolv string
	known  bool
	wrong  bool
	answer string // typed at the question on a terminal; "" runs without one
	opts   []string
}

func (c dnsCase) String() string {
	kh := "unknown"
	if c.known {
		kh = "known"
	} else if c.wrong {
		kh = "wrong"
	}
	s := fmt.Sprintf("%s resolv=%q %s %s", c.host, c.resolv, kh, strings.Join(c.opts, " "))
	if c.server != "" {
		s += " nameserver=" + c.server
	}
	if c.answer != "" {
		s += " answer=" + c.answer
	}
	return s
}

// run runs prog for the case.
func (r *dnsRig) run(t *testing.T, prog string, c dnsCase) dnsRun {
	t.Helper()
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	var lines string
	pattern := fmt.Sprintf("[%s]:%d ", c.host, r.e.port)
	if c.known {
		lines = pattern + r.hostPub + "\n"
	} else if c.wrong {
		lines = pattern + r.wrongPub + "\n"
	}
	if err := os.WriteFile(kh, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	a := r.argv(t, prog, r.resolvConf(t, c.server, c.resolv), kh, c.host, c.opts...)
	r.dns.questions()
	var run dnsRun
	if c.answer == "" {
		_, run.out, run.status = r.e.runProg(a[0], nil, nil, a[1:]...)
	} else {
		tm := testenv.StartTerm(t, 24, 200, r.e.env(), a[0], a[1:]...)
		tm.Expect(0, "(yes/no", 30*time.Second)
		tm.Type(c.answer + "\n")
		run.status = tm.Wait(30 * time.Second)
		// The last lines may still be on their way from the pty.
		for n, still := -1, 0; still < 5; time.Sleep(50 * time.Millisecond) {
			if m := len(tm.Output()); m != n {
				n, still = m, 0
			} else {
				still++
			}
		}
		run.out = tm.Output()
	}
	run.out = strings.ReplaceAll(run.out, "\r", "")
	for _, l := range strings.Split(run.out, "\n") {
		if !dnsMessage.MatchString(l) {
			continue
		}
		if strings.Contains(l, "IDENTIFICATION HAS CHANGED") {
			// The banners' first lines are worded apart (design.md §4).
			l = "IDENTIFICATION HAS CHANGED"
		}
		l = strings.ReplaceAll(l, kh, "KH")
		run.msgs = append(run.msgs, l)
	}
	run.kh = string(readFile(t, kh))
	run.qs = r.dns.questions()
	return run
}

// compare runs both clients and reports every difference; it returns
// sshbox's run.
func (r *dnsRig) compare(t *testing.T, c dnsCase) dnsRun {
	t.Helper()
	ours := r.run(t, testenv.Bin(t, "ssh"), c)
	theirs := r.run(t, testenv.NeedCmd(t, "ssh"), c)
	// An unanswered look-up (drop.test) is held to glibc's by its
	// questions (attempts per server, below), not by how long it took: a
	// test asserts no times, and the two clients' waits moved apart by
	// more than a second under load.
	if ours.status != theirs.status {
		t.Errorf("%v: status %d, OpenSSH's %d\nsshbox:\n%s\nOpenSSH:\n%s", c, ours.status, theirs.status, ours.out, theirs.out)
	}
	if ours.kh != theirs.kh {
		t.Errorf("%v: known_hosts differs from OpenSSH's:\nsshbox:\n%s\nOpenSSH:\n%s", c, ours.kh, theirs.kh)
	}
	if a, b := strings.Join(ours.msgs, "\n"), strings.Join(theirs.msgs, "\n"); a != b {
		t.Errorf("%v: messages differ from OpenSSH's:\nsshbox:\n%s\nOpenSSH:\n%s", c, a, b)
	}
	if !reflect.DeepEqual(ours.qs, theirs.qs) {
		t.Errorf("%v: DNS questions differ from OpenSSH's:\nsshbox:  %+v\nOpenSSH: %+v", c, ours.qs, theirs.qs)
	}
	return ours
}

// dnsZones are the names the tests connect to, all the same sshd.
func dnsZones(t *testing.T, hostPub string) map[string]dnsZone {
	match := sshfpRDatas(t, hostPub)
	other := sshfpRDatas(t, hostKeyFile(t, "ed25519")+".pub")
	rsa := sshfpRDatas(t, hostKeyFile(t, "rsa")+".pub")
	// The SHA-1 record wrong, the SHA-256 one right.
	wrong := append([]byte(nil), match[0]...)
	wrong[len(wrong)-1] ^= 1
	badType := append([]byte{4, 3}, match[1][2:]...)
	return map[string]dnsZone{
		"match.test":    {rdatas: match, ad: true},
		"noad.test":     {rdatas: match},
		"mismatch.test": {rdatas: other, ad: true},
		"partial.test":  {rdatas: [][]byte{wrong, match[1]}, ad: true},
		"rsaonly.test":  {rdatas: rsa, ad: true},
		"nodata.test":   {ad: true},
		"nx.test":       {rcode: 3},
		"tc.test":       {rdatas: match, ad: true, truncUD: true},
		"badtype.test":  {rdatas: append([][]byte{badType}, match...), ad: true},
		"short.test":    {rdatas: append([][]byte{{4}}, match...), ad: true},
		"drop.test":     {drop: true},
	}
}

// TestVerifyHostKeyDNS: yes and ask against every kind of answer, with
// and without trust-ad, for a host known and unknown, under
// StrictHostKeyChecking yes in batch mode; then the questions on a
// terminal, accept-new, BatchMode with ask, a wrong known key, EDNS0, an
// address, and VerifyHostKeyDNS no.
func TestVerifyHostKeyDNS(t *testing.T) {
	testenv.NeedCmd(t, "ssh")
	// The zones need the server's key: make the rig, then its zones.
	zones := map[string]dnsZone{}
	names := []string{"match.test", "noad.test", "mismatch.test", "partial.test", "rsaonly.test",
		"nodata.test", "nx.test", "tc.test", "badtype.test", "short.test", "drop.test"}
	for _, n := range names {
		zones[n] = dnsZone{}
	}
	r := newDNSRig(t, zones)
	r.wrongPub = pubLine(t, hostKeyFile(t, "ed25519")+".pub")
	pub := filepath.Join(t.TempDir(), "host.pub")
	os.WriteFile(pub, []byte(r.hostPub+"\n"), 0o644)
	r.dns.mu.Lock()
	for n, z := range dnsZones(t, pub) {
		zones[n] = z
	}
	r.dns.mu.Unlock()

	batch := []string{"-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"}
	t.Run("matrix", func(t *testing.T) {
		for _, resolv := range []string{"", "trust-ad"} {
			for _, v := range []string{"yes", "ask"} {
				for _, host := range names[:len(names)-1] { // not drop.test
					for _, known := range []bool{false, true} {
						r.compare(t, dnsCase{host: host, resolv: resolv, known: known,
							opts: append([]string{"-o", "VerifyHostKeyDNS=" + v}, batch...)})
					}
				}
			}
		}
	})

	// What must hold, beyond being OpenSSH's.
	t.Run("secure match proves the key", func(t *testing.T) {
		run := r.compare(t, dnsCase{host: "match.test", resolv: "trust-ad", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)})
		if run.status != 0 || run.kh != "" {
			t.Errorf("status %d, known_hosts %q:\n%s", run.status, run.kh, run.out)
		}
		if len(run.qs) != 1 || !run.qs[0].AD || run.qs[0].Type != 44 || run.qs[0].Name != "match.test" {
			t.Errorf("questions: %+v", run.qs)
		}
	})
	t.Run("without trust-ad the AD bit is not believed", func(t *testing.T) {
		run := r.compare(t, dnsCase{host: "match.test", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)})
		if run.status != 255 || !strings.Contains(run.out, "found 2 insecure fingerprints in DNS") {
			t.Errorf("status %d:\n%s", run.status, run.out)
		}
	})
	t.Run("mismatch warns", func(t *testing.T) {
		run := r.compare(t, dnsCase{host: "mismatch.test", resolv: "trust-ad", known: true, opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)})
		if run.status != 0 || !strings.Contains(run.out, "Update the SSHFP RR in DNS with the new host key to get rid of this message.") {
			t.Errorf("status %d:\n%s", run.status, run.out)
		}
	})

	t.Run("terminal", func(t *testing.T) {
		ask := []string{"-o", "StrictHostKeyChecking=ask"}
		for _, c := range []dnsCase{
			{host: "match.test", resolv: "trust-ad", answer: "no", opts: append([]string{"-o", "VerifyHostKeyDNS=ask"}, ask...)},
			{host: "noad.test", resolv: "trust-ad", answer: "yes", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, ask...)},
			{host: "match.test", answer: "yes", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, ask...)},
			{host: "nodata.test", resolv: "trust-ad", answer: "no", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, ask...)},
			{host: "mismatch.test", resolv: "trust-ad", answer: "no", opts: append([]string{"-o", "VerifyHostKeyDNS=ask"}, ask...)},
			{host: "partial.test", resolv: "trust-ad", answer: "yes", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, ask...)},
			{host: "match.test", resolv: "trust-ad", answer: "no", opts: append([]string{"-o", "VerifyHostKeyDNS=no"}, ask...)},
		} {
			run := r.compare(t, c)
			want := "No matching host key fingerprint found in DNS."
			if c.host == "match.test" || c.host == "noad.test" {
				want = "Matching host key fingerprint found in DNS."
			}
			if strings.Contains(strings.Join(c.opts, " "), "=no") {
				if strings.Contains(run.out, "fingerprint found in DNS") {
					t.Errorf("%v: DNS mentioned:\n%s", c, run.out)
				}
			} else if !strings.Contains(run.out, "\n"+want) && !strings.HasPrefix(run.out, want) {
				t.Errorf("%v: no %q in:\n%s", c, want, run.out)
			}
		}
	})

	t.Run("-G", func(t *testing.T) {
		for _, opts := range [][]string{
			nil,
			{"-o", "VerifyHostKeyDNS=yes"},
			{"-o", "VerifyHostKeyDNS=ask"},
			{"-o", "VerifyHostKeyDNS=no"},
			{"-o", "VerifyHostKeyDNS=TRUE"},
			{"-o", "VerifyHostKeyDNS=false"},
			{"-o", "VerifyHostKeyDNS=maybe"},
			{"-o", "VerifyHostKeyDNS=yes", "-o", "UpdateHostKeys=yes"},
			{"-o", "VerifyHostKeyDNS=ask", "-o", "UpdateHostKeys=ask"},
		} {
			args := append(append([]string{"-F", "/dev/null", "-G"}, opts...), "match.test")
			ours, oursErr, oursSt := r.e.runProg(testenv.Bin(t, "ssh"), nil, nil, args...)
			theirs, theirsErr, theirsSt := r.e.runProg(testenv.NeedCmd(t, "ssh"), nil, nil, args...)
			if oursSt != theirsSt {
				t.Errorf("%v: status %d, OpenSSH's %d\n%s\n%s", opts, oursSt, theirsSt, oursErr, theirsErr)
			}
			pick := regexp.MustCompile(`(?m)^(verifyhostkeydns|updatehostkeys) .*$`)
			if a, b := pick.FindAllString(ours, -1), pick.FindAllString(theirs, -1); !reflect.DeepEqual(a, b) {
				t.Errorf("%v: -G prints %q, OpenSSH %q", opts, a, b)
			}
		}
	})

	t.Run("others", func(t *testing.T) {
		for _, c := range []dnsCase{
			// accept-new takes in a key DNS contradicts, after the warning.
			{host: "mismatch.test", resolv: "trust-ad", opts: []string{"-o", "VerifyHostKeyDNS=yes", "-o", "StrictHostKeyChecking=accept-new"}},
			{host: "noad.test", resolv: "trust-ad", opts: []string{"-o", "VerifyHostKeyDNS=yes", "-o", "StrictHostKeyChecking=accept-new"}},
			{host: "match.test", resolv: "trust-ad", opts: []string{"-o", "VerifyHostKeyDNS=yes", "-o", "StrictHostKeyChecking=accept-new"}},
			// BatchMode with the default StrictHostKeyChecking (ask).
			{host: "match.test", resolv: "trust-ad", opts: []string{"-o", "VerifyHostKeyDNS=yes", "-o", "BatchMode=yes"}},
			{host: "noad.test", resolv: "trust-ad", opts: []string{"-o", "VerifyHostKeyDNS=yes", "-o", "BatchMode=yes"}},
			{host: "match.test", resolv: "trust-ad", opts: []string{"-o", "VerifyHostKeyDNS=ask", "-o", "BatchMode=yes"}},
			// A changed key that DNS vouches for securely, and one it does not.
			{host: "match.test", resolv: "trust-ad", wrong: true, opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			{host: "noad.test", resolv: "trust-ad", wrong: true, opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			{host: "match.test", resolv: "trust-ad", wrong: true, opts: []string{"-o", "VerifyHostKeyDNS=ask", "-o", "StrictHostKeyChecking=no"}},
			// EDNS0: the DO bit asked for, the size advertised.
			{host: "match.test", resolv: "edns0 trust-ad", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			{host: "tc.test", resolv: "edns0", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			// No look-up for an address, nor with VerifyHostKeyDNS no.
			{host: sshfpAddr, resolv: "trust-ad", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			{host: "match.test", resolv: "trust-ad", opts: append([]string{"-o", "VerifyHostKeyDNS=no"}, batch...)},
			// No answer: glibc's tries and back-off; nothing listening.
			{host: "drop.test", resolv: "trust-ad timeout:1 attempts:3", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			{host: "drop.test", server: strings.Repeat(dnsAddr+" ", 3), resolv: "timeout:2 attempts:1", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			{host: "match.test", server: sshfpAddr, resolv: "trust-ad", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			// Two servers, the first not listening: the second answers.
			{host: "match.test", server: sshfpAddr + " " + dnsAddr, resolv: "trust-ad", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			{host: "match.test", server: sshfpAddr + " " + dnsAddr, resolv: "trust-ad rotate", opts: append([]string{"-o", "VerifyHostKeyDNS=yes"}, batch...)},
			// -vvv: each record, and the look-up's start.
			{host: "partial.test", resolv: "trust-ad", opts: append([]string{"-vv", "-o", "VerifyHostKeyDNS=yes"}, batch...)},
			{host: "short.test", resolv: "trust-ad", opts: append([]string{"-vv", "-o", "VerifyHostKeyDNS=yes"}, batch...)},
			// UpdateHostKeys asked for, over a key DNS proved or not.
			{host: "match.test", resolv: "trust-ad", opts: append([]string{"-o", "VerifyHostKeyDNS=yes", "-o", "UpdateHostKeys=yes"}, batch...)},
			{host: "match.test", resolv: "trust-ad", known: true, opts: append([]string{"-o", "VerifyHostKeyDNS=yes", "-o", "UpdateHostKeys=yes"}, batch...)},
			{host: "noad.test", resolv: "trust-ad", known: true, opts: append([]string{"-o", "VerifyHostKeyDNS=yes", "-o", "UpdateHostKeys=yes"}, batch...)},
			// HostKeyAlias names the known_hosts entry, not the DNS name.
			{host: "match.test", resolv: "trust-ad", opts: append([]string{"-o", "VerifyHostKeyDNS=ask", "-o", "HostKeyAlias=nodata.test"}, batch...)},
		} {
			run := r.compare(t, c)
			if c.opts[0] == "-vv" && !strings.Contains(run.out, "debug3: verify_host_key_dns: checking SSHFP type 4 fptype 2") {
				t.Errorf("%v: no record at -vvv:\n%s", c, run.out)
			}
		}
	})
}
