package e2e

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// The encoders below are written independently of configfmt's, so that the
// product's record reader is checked against files it did not write: OpenVMS
// record formats as design.md §3 defines them.

func encodeStream(lines []string, term string) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l + term)
	}
	return b.Bytes()
}

// encodeVAR writes 2-byte little-endian counts, the data, and a NUL pad after
// odd counts. With ctl (VFC), the count includes that fixed control area,
// which precedes the data. After the record skipAfter, the rest of the
// 512-byte block is skipped with a 0xFFFF word, as RMS does.
func encodeVAR(lines []string, ctl []byte, skipAfter int) []byte {
	var b bytes.Buffer
	for i, l := range lines {
		rec := append(append([]byte(nil), ctl...), l...)
		binary.Write(&b, binary.LittleEndian, uint16(len(rec)))
		b.Write(rec)
		if len(rec)%2 == 1 {
			b.WriteByte(0)
		}
		if i == skipAfter {
			b.Write([]byte{0xff, 0xff})
			for b.Len()%512 != 0 {
				b.WriteByte(0)
			}
		}
	}
	return b.Bytes()
}

const formatsConfig = `# sshd_config kept on an OpenVMS system
Port 2222
ListenAddress 127.0.0.1
PasswordAuthentication no
MaxAuthTries 3
LoginGraceTime 45
AcceptEnv LANG LC_*

Match User alice
    ForceCommand /usr/bin/true
    MaxAuthTries 5`

// TestSshdTSameInEveryRecordFormat: the same sshd_config stored as
// STREAM_LF, STREAM_CR, STREAM, VAR and VFC gives byte-identical `sshd -T`
// output, globally and with a Match block in force; a VAR file cut short is
// refused by `sshd -t` naming the file and the byte offset.
func TestSshdTSameInEveryRecordFormat(t *testing.T) {
	sshd := testenv.Bin(t, "sshd")
	dir := t.TempDir()
	lines := strings.Split(formatsConfig, "\n")
	files := map[string][]byte{
		"STREAM_LF": encodeStream(lines, "\n"),
		"STREAM_CR": encodeStream(lines, "\r"),
		"STREAM":    encodeStream(lines, "\r\n"),
		"VAR":       encodeVAR(lines, nil, 2),
		"VFC":       encodeVAR(lines, []byte{0x01, 0x8d}, 4),
	}
	var want [2]string
	for _, name := range []string{"STREAM_LF", "STREAM_CR", "STREAM", "VAR", "VFC"} {
		p := filepath.Join(dir, "SSHD_CONFIG."+name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		for i, extra := range [][]string{nil, {"-C", "user=alice,host=h,addr=127.0.0.1"}} {
			out, err := exec.Command(sshd, append([]string{"-T", "-f", p}, extra...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: sshd -T %v: %v\n%s", name, extra, err, out)
			}
			if name == "STREAM_LF" {
				want[i] = string(out)
				continue
			}
			if string(out) != want[i] {
				t.Errorf("%s: sshd -T %v differs from STREAM_LF's:\n%s", name, extra, out)
			}
		}
	}
	for _, line := range []string{"port 2222", "passwordauthentication no", "maxauthtries 3", "logingracetime 45", "acceptenv LANG", "acceptenv LC_*"} {
		if !strings.Contains(want[0], line+"\n") {
			t.Errorf("sshd -T lacks %q:\n%s", line, want[0])
		}
	}
	if !strings.Contains(want[1], "maxauthtries 5\n") || !strings.Contains(want[1], "forcecommand /usr/bin/true\n") {
		t.Errorf("Match User alice not applied:\n%s", want[1])
	}

	// Cut a VAR file in the middle of a record: refused, with the offset.
	full := files["VAR"]
	cut := filepath.Join(dir, "SSHD_CONFIG.CUT")
	os.WriteFile(cut, full[:len(full)-7], 0o644)
	out, err := exec.Command(sshd, "-t", "-f", cut).CombinedOutput()
	if err == nil {
		t.Fatalf("sshd -t accepted a VAR file cut short:\n%s", out)
	}
	if msg := string(out); !strings.Contains(msg, cut) || !strings.Contains(msg, "byte offset") {
		t.Errorf("the error does not name the file and the byte offset: %q", msg)
	}
	if n := strings.Count(strings.TrimSpace(string(out)), "\n"); n != 0 {
		t.Errorf("want one error line, got %d lines:\n%s", n+1, out)
	}
}

// TestSSHGMatchesOpenSSH: `sshbox ssh -G` prints what OpenSSH's own `ssh -G`
// prints, every line, for a file with Host blocks, a negated pattern and
// first-obtained-value-wins, also when the file is in VAR records.
func TestSSHGMatchesOpenSSH(t *testing.T) {
	ssh := testenv.Bin(t, "ssh")
	openssh := testenv.NeedCmd(t, "ssh")
	cfg := `Host *.internal !bastion.internal
    User ops
    Port 2201
    ForwardAgent yes
Host bastion.internal
    User jump
Host *
    User fallback
    Port 2999
    ServerAliveInterval 30
    StrictHostKeyChecking accept-new
    IdentityFile ~/.ssh/id_work
    Ciphers ^aes128-gcm@openssh.com`
	dir := t.TempDir()
	plain := filepath.Join(dir, "config")
	os.WriteFile(plain, []byte(cfg+"\n"), 0o644)
	varFile := filepath.Join(dir, "SSH_CONFIG.VAR")
	os.WriteFile(varFile, encodeVAR(strings.Split(cfg, "\n"), nil, -1), 0o644)
	for _, host := range []string{"db.internal", "bastion.internal", "example.org"} {
		want, err := exec.Command(openssh, "-G", "-F", plain, host).Output()
		if err != nil {
			t.Fatalf("OpenSSH ssh -G %s: %v", host, err)
		}
		for _, f := range []string{plain, varFile} {
			got, err := exec.Command(ssh, "-G", "-F", f, host).Output()
			if err != nil {
				t.Fatalf("sshbox ssh -G -F %s %s: %v", f, host, err)
			}
			if string(got) != string(want) {
				t.Errorf("ssh -G -F %s %s differs from OpenSSH's:\n--- sshbox\n%s--- OpenSSH\n%s", f, host, got, want)
			}
		}
	}
}
