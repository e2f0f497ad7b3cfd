package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// The host key check's messages around CheckHostIP, HostKeyAlias, the
// port-less lookup and KnownHostsCommand, sshbox's ssh and OpenSSH's side
// by side at -vvv from the same known_hosts, against OpenSSH's sshd in the
// network namespace of TestUpdateHostKeysCheckHostIP (hostIPRig).

// hostCheckMessage picks the lines compared: everything OpenSSH's
// check_host_key says except the changed-key banner, whose words are the
// seed's (design.md §4), and the names it looks up.
var hostCheckMessage = regexp.MustCompile(`POSSIBLE DNS SPOOFING|^The .* host key for .* has changed,$|corresponding IP address|^(is unknown|is unchanged|has a different value)\. This|DNS SPOOFING is happening|and its host key have changed|Offending key for IP|not in list of known hosts|Permanently added|differs from the key|Matching host key|Exiting, you have|Host key verification failed|checking without port identifier|w/out port|using hostkeyalias|put_host_port|check_host_key:|is known and matches|^debug1: Found (CA )?key in|UpdateHostkeys is disabled|client_input_hostkeys: searching|Learned new hostkey|No matching CA found|UpdateHostKeys=ask`)

// hostCheckRun is what one client did: its exit status, the file after
// it, the lines compared and KnownHostsCommand's invocations.
type hostCheckRun struct {
	status       int
	kh, khc      string
	msgs, stderr string
}

// runHostCheck runs prog at -vvv from a known_hosts holding lines; a
// KnownHostsCommand given in opts as %LOG% appends its arguments to a log.
func (r *hostIPRig) runHostCheck(t *testing.T, prog string, lines []string, opts ...string) hostCheckRun {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "khc.log")
	script := filepath.Join(dir, "khc.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >>"+log+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, o := range opts {
		opts[i] = strings.ReplaceAll(o, "%LOG%", script)
	}
	run := r.run(t, prog, lines, append([]string{"-vvv"}, opts...)...)
	for i, o := range opts {
		opts[i] = strings.ReplaceAll(o, script, "%LOG%")
	}
	var msgs []string
	for _, l := range strings.Split(run.stderr, "\n") {
		if hostCheckMessage.MatchString(l) {
			msgs = append(msgs, regexp.MustCompile(`/tmp/\S*/known_hosts`).ReplaceAllString(l, "KH"))
		}
	}
	return hostCheckRun{status: run.status, kh: run.kh, khc: string(readOrEmpty(log)),
		msgs: strings.Join(msgs, "\n"), stderr: run.stderr}
}

// compareHostCheck requires both clients to end alike from lines.
func (r *hostIPRig) compareHostCheck(t *testing.T, what string, lines []string, opts ...string) hostCheckRun {
	t.Helper()
	ours := r.runHostCheck(t, testenv.Bin(t, "ssh"), lines, opts...)
	theirs := r.runHostCheck(t, testenv.NeedCmd(t, "ssh"), lines, opts...)
	if ours.status != theirs.status {
		t.Errorf("%s: status %d, OpenSSH's %d\n%s", what, ours.status, theirs.status, ours.stderr)
	}
	if ours.kh != theirs.kh {
		t.Errorf("%s: known_hosts differs from OpenSSH's:\nsshbox:\n%s\nOpenSSH:\n%s", what, ours.kh, theirs.kh)
	}
	if ours.msgs != theirs.msgs {
		t.Errorf("%s: messages differ from OpenSSH's:\nsshbox:\n%s\nOpenSSH:\n%s", what, ours.msgs, theirs.msgs)
	}
	if ours.khc != theirs.khc {
		t.Errorf("%s: KnownHostsCommand ran as:\n%s\nOpenSSH's:\n%s", what, ours.khc, theirs.khc)
	}
	return ours
}

func wantIn(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: no %q in:\n%s", what, w, got)
		}
	}
}

// TestHostKeyCheckMessagesCheckHostIP: what the host key check says, and
// does, where the host and its address disagree, as OpenSSH 9.2.
func TestHostKeyCheckMessagesCheckHostIP(t *testing.T) {
	r := newHostIPRig(t, "OpenSSH")
	n, ip := r.name, r.ip
	other := pubLine(t, hostKeyFile(t, "ed25519")+".pub")
	bare, bareIP := "srv.test", hostIPAddr

	// A changed key: the address's lines say whether DNS may be lying;
	// the banner and the refusal follow as before.
	run := r.compareHostCheck(t, "changed, address unknown", []string{n + " " + r.old})
	wantIn(t, "changed, address unknown", run.msgs, "WARNING: POSSIBLE DNS SPOOFING DETECTED!",
		"The ED25519 host key for "+n+" has changed,", "and the key for the corresponding IP address "+ip,
		"is unknown. This could either mean that", "Host key verification failed.")
	run = r.compareHostCheck(t, "changed, address unchanged", []string{n + " " + r.old, ip + " " + r.ed})
	wantIn(t, "changed, address unchanged", run.msgs, "is unchanged. This", "Offending key for IP in KH:2")
	run = r.compareHostCheck(t, "changed, address different", []string{n + " " + r.old, ip + " " + other})
	wantIn(t, "changed, address different", run.msgs, "has a different value. This", "Offending key for IP in KH:2")
	r.compareHostCheck(t, "changed, address another type", []string{n + " " + r.old, ip + " " + r.ec})
	// The address holds the host's old key: no DNS warning.
	run = r.compareHostCheck(t, "changed, address same old key", []string{n + " " + r.old, ip + " " + r.old})
	if strings.Contains(run.msgs, "SPOOFING") {
		t.Errorf("changed, address same old key: %s", run.msgs)
	}
	// StrictHostKeyChecking no goes on, and says UpdateHostKeys is off.
	run = r.compareHostCheck(t, "changed, strict no", []string{n + " " + r.old, ip + " " + r.ed}, "-o", "StrictHostKeyChecking=no")
	wantIn(t, "changed, strict no", run.msgs, "is unchanged. This", "UpdateHostkeys is disabled because the host key is not trusted.")

	// Known only without the port: the second lookup judges the bare
	// address, and UpdateHostKeys is off.
	run = r.compareHostCheck(t, "port-less", []string{bare + " " + r.ed})
	wantIn(t, "port-less", run.msgs, "debug1: checking without port identifier",
		"ED25519 host key for IP address '"+bareIP+"' not in list of known hosts.",
		"debug1: Host '"+bare+"' is known and matches the ED25519 host key.", "debug1: found matching key w/out port",
		"debug1: check_host_key: hostkey not known or explicitly trusted: disabling UpdateHostkeys")
	r.compareHostCheck(t, "port-less, address listed", []string{bare + " " + r.ed, bareIP + " " + r.ed})
	// The bare address holds another key: BatchMode cannot confirm, and
	// the host is then new, which BatchMode cannot confirm either.
	run = r.compareHostCheck(t, "port-less, address changed", []string{bare + " " + r.ed, bareIP + " " + r.old})
	if run.status != 255 {
		t.Errorf("port-less, address changed: status %d", run.status)
	}
	run = r.compareHostCheck(t, "port-less, address changed, strict no", []string{bare + " " + r.ed, bareIP + " " + r.old}, "-o", "StrictHostKeyChecking=no")
	wantIn(t, "port-less, address changed, strict no", run.msgs,
		"Warning: the ED25519 host key for '"+bare+"' differs from the key for the IP address '"+bareIP+"'", "Matching host key in KH:1")
	r.compareHostCheck(t, "port-less, address with port changed, strict no", []string{bare + " " + r.ed, ip + " " + r.old}, "-o", "StrictHostKeyChecking=no")

	// A new host taken in without the user's word.
	run = r.compareHostCheck(t, "new, accept-new", nil, "-o", "StrictHostKeyChecking=accept-new")
	wantIn(t, "new, accept-new", run.msgs, "debug1: check_host_key: hostkey not known or explicitly trusted: disabling UpdateHostkeys")
	// A new host whose address is listed with another key: the key is
	// added for the name alone, then the address warning refuses (or,
	// with StrictHostKeyChecking no, shows) it, without a matching line.
	for _, strict := range []string{"accept-new", "no"} {
		run = r.compareHostCheck(t, "new, address changed, "+strict, []string{ip + " " + r.old}, "-o", "StrictHostKeyChecking="+strict)
		wantIn(t, "new, address changed, "+strict, run.msgs, "differs from the key for the IP address '"+ip+"'", "Offending key for IP in KH:1")
	}
	// No user file to add it to: refused even so, as OpenSSH does.
	for _, strict := range []string{"accept-new", "no"} {
		run = r.compareHostCheck(t, "new, UserKnownHostsFile none, "+strict, nil, "-o", "UserKnownHostsFile=none", "-o", "StrictHostKeyChecking="+strict)
		if run.status != 255 {
			t.Errorf("new, UserKnownHostsFile none, %s: status %d", strict, run.status)
		}
	}
	// UpdateHostKeys ask is off from the start with a remote command.
	run = r.compareHostCheck(t, "new, accept-new, ask", nil, "-o", "StrictHostKeyChecking=accept-new", "-o", "UpdateHostKeys=ask")
	wantIn(t, "new, accept-new, ask", run.msgs, "debug1: UpdateHostKeys=ask is incompatible with remote command execution; disabling")

	// HostKeyAlias: said at each lookup; the address keeps its port.
	run = r.compareHostCheck(t, "alias", []string{"alias " + r.ed}, "-o", "HostKeyAlias=alias")
	wantIn(t, "alias", run.msgs, "debug1: using hostkeyalias: alias", "debug3: put_host_port: "+ip)
	r.compareHostCheck(t, "alias with port", []string{"[alias]:2222 " + r.ed}, "-o", "HostKeyAlias=[alias]:2222")
	run = r.compareHostCheck(t, "no alias", []string{n + " " + r.ed})
	wantIn(t, "no alias", run.msgs, "debug3: put_host_port: "+n)

	// KnownHostsCommand's three calls and their tokens.
	khc := "KnownHostsCommand=%LOG% I=%I H=%H h=%h n=%n k=%k p=%p t=%t f=%f K=%K C=%C L=%L l=%l r=%r u=%u i=%i d=%d"
	run = r.compareHostCheck(t, "KnownHostsCommand", []string{n + " " + r.ed}, "-o", khc)
	wantIn(t, "KnownHostsCommand", run.khc, "I=ORDER H=srv.test ", "I=HOSTNAME H="+n+" ", "I=ADDRESS H="+ip+" ")
	run = r.compareHostCheck(t, "KnownHostsCommand, alias", []string{"alias " + r.ed}, "-o", "HostKeyAlias=alias", "-o", khc)
	wantIn(t, "KnownHostsCommand, alias", run.khc, "I=ORDER H=srv.test ", "I=HOSTNAME H=alias ", "I=ADDRESS H="+ip+" ")
}

func readOrEmpty(p string) []byte {
	b, _ := os.ReadFile(p)
	return b
}

// TestHostKeyCheckMessagesCertificate: a host certificate under
// CheckHostIP, from a known and an unknown authority, as OpenSSH 9.2.
func TestHostKeyCheckMessagesCertificate(t *testing.T) {
	ca := hostKeyFile(t, "ed25519")
	r := newHostIPRig(t, "OpenSSH", ca)
	n := r.name
	caKey := pubLine(t, ca+".pub")
	cert := []string{"-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256-cert-v01@openssh.com"}
	r.compareHostCheck(t, "certificate, unknown authority, new", nil, append(cert, "-o", "StrictHostKeyChecking=accept-new")...)
	r.compareHostCheck(t, "certificate, unknown authority, key known", []string{n + " " + r.ec}, cert...)
	r.compareHostCheck(t, "certificate, known authority", []string{"@cert-authority " + n + " " + caKey}, cert...)
	r.compareHostCheck(t, "certificate, known authority by pattern", []string{"@cert-authority *.test " + caKey}, cert...)
	r.compareHostCheck(t, "certificate, known authority without the port", []string{"@cert-authority srv.test " + caKey}, append(cert, "-o", "StrictHostKeyChecking=accept-new")...)
	// Not valid for the name: judged by its plain key after all, which
	// accept-new takes in (with the address).
	run := r.compareHostCheck(t, "certificate for another name", []string{"@cert-authority other " + caKey},
		append(cert, "-o", "HostKeyAlias=other", "-o", "StrictHostKeyChecking=accept-new")...)
	wantIn(t, "certificate for another name", run.stderr, "No matching CA found. Retry with plain key",
		"Warning: Permanently added 'other,"+r.ip+"' (ECDSA) to the list of known hosts.")
}
