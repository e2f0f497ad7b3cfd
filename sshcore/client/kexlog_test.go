package client

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/loglevel"
)

// streamConn is a net.Conn whose reads come from r in pieces of at most
// chunk bytes and whose writes go to w.
type streamConn struct {
	net.Conn
	r     io.Reader
	w     bytes.Buffer
	chunk int
}

func (s *streamConn) Read(p []byte) (int, error) {
	if len(p) > s.chunk {
		p = p[:s.chunk]
	}
	return s.r.Read(p)
}

func (s *streamConn) Write(p []byte) (int, error) { return s.w.Write(p) }

func packet(payload []byte) []byte {
	pad := 4
	b := binary.BigEndian.AppendUint32(nil, uint32(1+len(payload)+pad))
	b = append(b, byte(pad))
	b = append(b, payload...)
	return append(b, make([]byte, pad)...)
}

func kexInitPayload(kex, hostKey, cipher, mac string) []byte {
	return ssh.Marshal(&kexInit{KexAlgos: []string{kex}, ServerHostKeyAlgos: []string{hostKey},
		CiphersClientServer: []string{cipher}, CiphersServerClient: []string{cipher},
		MACsClientServer: []string{mac}, MACsServerClient: []string{mac},
		CompressionClientServer: []string{"none"}, CompressionServerClient: []string{"none"}})
}

// checkKexLog runs stream through a kexLog and checks that every byte
// comes out as it went in, whatever the read sizes.
func checkKexLog(t *testing.T, in, out []byte, chunk, readSize int) string {
	var logBuf bytes.Buffer
	sc := &streamConn{r: bytes.NewReader(in), chunk: chunk}
	k := newKexLog(sc, NewLogger(&logBuf, loglevel.Debug3))
	if len(out) > 0 {
		k.Write(out)
		if !bytes.Equal(sc.w.Bytes(), out) {
			t.Fatalf("written bytes changed")
		}
	}
	got, err := io.ReadAll(readerFunc(func(p []byte) (int, error) {
		if len(p) > readSize {
			p = p[:readSize]
		}
		return k.Read(p)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, in) {
		t.Fatalf("read %q, want %q", got, in)
	}
	return logLines(t, logBuf.String())
}

// logLines is what a Logger wrote, each line checked to end as OpenSSH's
// log.c ends it (CR LF), with the CRs taken out for comparing.
func logLines(t *testing.T, s string) string {
	t.Helper()
	if strings.Count(s, "\r\n") != strings.Count(s, "\n") {
		t.Errorf("a log line not ended in CR LF: %q", s)
	}
	return strings.ReplaceAll(s, "\r\n", "\n")
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// TestKexLogFirstExchange: the first exchange's messages are named, the
// agreed algorithms follow RFC 4253's rule, and nothing after the
// server's NEWKEYS is looked at.
func TestKexLogFirstExchange(t *testing.T) {
	var in, out []byte
	in = append(in, "banner line\r\nSSH-2.0-OpenSSH_9.9\r\n"...)
	in = append(in, packet(kexInitPayload("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha2-256-etm@openssh.com"))...)
	in = append(in, packet([]byte{msgKexECDHReply, 1, 2, 3})...)
	in = append(in, packet([]byte{msgNewKeys})...)
	in = append(in, "encrypted \x00\x00\x00\x14 bytes that look like a packet"...)
	out = append(out, "SSH-2.0-sshbox\r\n"...)
	out = append(out, packet(ssh.Marshal(&kexInit{KexAlgos: []string{"mlkem768x25519-sha256", "curve25519-sha256"},
		ServerHostKeyAlgos: []string{"ssh-ed25519"}, CiphersClientServer: []string{"aes128-gcm@openssh.com", "aes128-ctr"},
		CiphersServerClient: []string{"aes128-ctr"}, MACsClientServer: []string{"hmac-sha2-256-etm@openssh.com"},
		MACsServerClient: []string{"hmac-sha2-256-etm@openssh.com"}, CompressionClientServer: []string{"none"},
		CompressionServerClient: []string{"none"}}))...)
	out = append(out, packet([]byte{msgKexECDHInit, 9})...)
	out = append(out, packet([]byte{msgNewKeys})...)
	for _, sizes := range [][2]int{{1, 1}, {7, 3}, {4096, 4096}, {1 << 20, 1 << 20}} {
		log := checkKexLog(t, in, out, sizes[0], sizes[1])
		for _, want := range []string{
			"debug1: Remote protocol version 2.0, remote software version OpenSSH_9.9\n",
			"debug1: SSH2_MSG_KEXINIT sent\n",
			"debug1: SSH2_MSG_KEXINIT received\n",
			"debug1: kex: algorithm: curve25519-sha256\n",
			"debug1: kex: host key algorithm: ssh-ed25519\n",
			"debug1: kex: server->client cipher: aes128-ctr MAC: hmac-sha2-256-etm@openssh.com compression: none\n",
			"debug1: kex: client->server cipher: aes128-ctr MAC: hmac-sha2-256-etm@openssh.com compression: none\n",
			"debug1: expecting SSH2_MSG_KEX_ECDH_REPLY\n",
			"debug1: SSH2_MSG_KEX_ECDH_REPLY received\n",
			"debug1: SSH2_MSG_NEWKEYS sent\n",
			"debug1: SSH2_MSG_NEWKEYS received\n",
		} {
			if strings.Count(log, want) != 1 {
				t.Errorf("chunks %v: want one %q in\n%s", sizes, want, log)
			}
		}
	}
}

// TestKexLogServerKexInitFirst: when the server's KEXINIT is read before
// ours is written (the scheduler decides), the lines still say ours was
// sent first, as x/crypto handles them and OpenSSH prints them.
func TestKexLogServerKexInitFirst(t *testing.T) {
	in := append([]byte("SSH-2.0-x\r\n"), packet(kexInitPayload("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha2-256"))...)
	var logBuf bytes.Buffer
	sc := &streamConn{r: bytes.NewReader(in), chunk: 1 << 10}
	k := newKexLog(sc, NewLogger(&logBuf, loglevel.Debug1))
	if _, err := io.ReadAll(readerFunc(k.Read)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logBuf.String(), "KEXINIT received") {
		t.Fatalf("server's KEXINIT shown before ours was sent:\n%s", logBuf.String())
	}
	k.Write(append([]byte("SSH-2.0-y\r\n"), packet(kexInitPayload("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha2-256"))...))
	got := logBuf.String()
	sent, recv, agreed := strings.Index(got, "KEXINIT sent"), strings.Index(got, "KEXINIT received"), strings.Index(got, "kex: algorithm: curve25519-sha256")
	if sent < 0 || recv < sent || agreed < recv {
		t.Errorf("want KEXINIT sent, received, then the agreement, in that order:\n%s", got)
	}
}

// TestKexLogNoAgreement: when the proposals share no cipher, no "kex:"
// line claims one.
func TestKexLogNoAgreement(t *testing.T) {
	in := append([]byte("SSH-2.0-x\r\n"), packet(kexInitPayload("curve25519-sha256", "ssh-ed25519", "aes128-ctr", "hmac-sha2-256"))...)
	out := append([]byte("SSH-2.0-y\r\n"), packet(kexInitPayload("curve25519-sha256", "ssh-ed25519", "aes256-ctr", "hmac-sha2-256"))...)
	if log := checkKexLog(t, in, out, 100, 100); strings.Contains(log, "kex: ") {
		t.Errorf("negotiation failed, yet:\n%s", log)
	}
}

// FuzzKexLog: whatever a server sends, kexLog hands x/crypto exactly those
// bytes and does not panic.
func FuzzKexLog(f *testing.F) {
	f.Add([]byte("SSH-2.0-x\r\n\x00\x00\x00\x0c\x04\x14abcdefg"), 3, 5)
	f.Add(append([]byte("SSH-2.0-x\n"), packet(kexInitPayload("a", "b", "c", "d"))...), 1, 1)
	f.Add([]byte("SSH-2.0-x\n\xff\xff\xff\xff\x00"), 2, 9)
	f.Add([]byte("SSH-2.0-x\n\x00\x00\x00\x01\x00\x15"), 64, 64)
	f.Fuzz(func(t *testing.T, in []byte, chunk, readSize int) {
		if chunk <= 0 || readSize <= 0 || chunk > 1<<16 || readSize > 1<<16 {
			return
		}
		checkKexLog(t, in, in, chunk, readSize)
	})
}

// TestKexLogRekey: a re-key is shown from the host key check on; the
// writes that follow show our NEWKEYS, then (by being possible at all)
// the server's; a re-key whose host key was refused shows no NEWKEYS.
func TestKexLogRekey(t *testing.T) {
	var logBuf bytes.Buffer
	sc := &streamConn{r: bytes.NewReader(nil), chunk: 1}
	k := newKexLog(sc, NewLogger(&logBuf, loglevel.Debug1))
	k.wstage = stageDone // the first exchange is over
	k.rekeying()
	k.rekeyAccepted()
	k.Write([]byte("newkeys"))
	k.Write([]byte("data"))
	k.Write([]byte("more data"))
	k.rekeying()
	k.Write([]byte("data"))
	want := "debug1: SSH2_MSG_KEXINIT sent\ndebug1: SSH2_MSG_KEXINIT received\n" +
		"debug1: SSH2_MSG_NEWKEYS sent\ndebug1: expecting SSH2_MSG_NEWKEYS\ndebug1: SSH2_MSG_NEWKEYS received\n" +
		"debug1: SSH2_MSG_KEXINIT sent\ndebug1: SSH2_MSG_KEXINIT received\n"
	if got := logLines(t, logBuf.String()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
