package e2e

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
)

// announcer is an SSH server of the test's own that lets anyone in and,
// once they are, announces the host keys it is given (certificates too,
// which neither sshd sends) in hostkeys-00@openssh.com; it runs any
// command as exiting 0. It returns the port it listens on at 127.0.0.1.
func announcer(t *testing.T, host ssh.Signer, announce []ssh.PublicKey) int {
	t.Helper()
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(host)
	var blobs []byte
	for _, k := range announce {
		blobs = append(blobs, ssh.Marshal(struct{ B []byte }{k.Marshal()})...)
	}
	l := testenv.ServeSSH(t, cfg, func(sc *ssh.ServerConn, chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request) {
		go ssh.DiscardRequests(reqs)
		sc.SendRequest("hostkeys-00@openssh.com", false, blobs)
		for nch := range chans {
			if nch.ChannelType() != "session" {
				nch.Reject(ssh.Prohibited, "")
				continue
			}
			ch, creqs, err := nch.Accept()
			if err != nil {
				continue
			}
			go func() {
				for r := range creqs {
					r.Reply(r.Type == "exec", nil)
					if r.Type == "exec" {
						ch.SendRequest("exit-status", false, ssh.Marshal(struct{ S uint32 }{0}))
						ch.Close()
					}
				}
			}()
		}
	})
	return l.Addr().(*net.TCPAddr).Port
}

// hostCert is key certified as a host key for "srv.test" by a new CA.
func hostCert(t *testing.T, key ssh.PublicKey) *ssh.Certificate {
	t.Helper()
	_, caPriv, _ := ed25519.GenerateKey(rand.Reader)
	ca, _ := ssh.NewSignerFromKey(caPriv)
	c := &ssh.Certificate{Key: key, CertType: ssh.HostCert, ValidPrincipals: []string{"srv.test"},
		ValidBefore: ssh.CertTimeInfinity, KeyId: "test"}
	if err := c.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestUpdateHostKeysAnnouncedCertificates: certificates among the keys a
// server announces are left out as OpenSSH 9.2's client leaves them out:
// HostKeyAlgorithms first ("not permitted", as an ssh-rsa-cert-v01 under
// the default list is), then "is a certificate; skipping".
func TestUpdateHostKeysAnnouncedCertificates(t *testing.T) {
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	host, _ := ssh.NewSignerFromKey(edPriv)
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaPub, _ := ssh.NewPublicKey(&rsaPriv.PublicKey)
	ecPriv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecPub, _ := ssh.NewPublicKey(&ecPriv.PublicKey)
	port := announcer(t, host, []ssh.PublicKey{host.PublicKey(), hostCert(t, host.PublicKey()),
		hostCert(t, rsaPub), hostCert(t, ecPub)})
	line := fmt.Sprintf("[127.0.0.1]:%d %s", port, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(host.PublicKey()))))
	want := regexp.MustCompile(`client_input_hostkeys: `)

	run := func(prog string, opts ...string) (string, int) {
		t.Helper()
		dir := t.TempDir()
		kh := filepath.Join(dir, "known_hosts")
		os.WriteFile(kh, []byte(line+"\n"), 0o600)
		args := append([]string{"-F", "/dev/null", "-vvv"}, opts...)
		args = append(args, "-o", "UserKnownHostsFile="+kh, "-o", "GlobalKnownHostsFile=/dev/null",
			"-o", "UpdateHostKeys=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
			"-p", fmt.Sprint(port), "-l", "nobody", "127.0.0.1", "true")
		cmd := exec.Command(prog, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		status := 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, l := range strings.Split(strings.ReplaceAll(stderr.String(), "\r", ""), "\n") {
			if want.MatchString(l) {
				msgs = append(msgs, strings.ReplaceAll(l, kh, "KH"))
			}
		}
		return strings.Join(msgs, "\n"), status
	}
	for _, tc := range []struct {
		what string
		opts []string
		msgs []string
	}{
		{"default HostKeyAlgorithms", nil, []string{
			"client_input_hostkeys: ssh-ed25519-cert-v01@openssh.com key is a certificate; skipping",
			"client_input_hostkeys: ssh-rsa-cert-v01@openssh.com key not permitted by HostkeyAlgorithms",
			"client_input_hostkeys: ecdsa-sha2-nistp256-cert-v01@openssh.com key is a certificate; skipping",
			"client_input_hostkeys: no new or deprecated keys from server"}},
		{"plain algorithms only", []string{"-o", "HostKeyAlgorithms=ssh-ed25519,rsa-sha2-512"}, []string{
			"client_input_hostkeys: ssh-ed25519-cert-v01@openssh.com key not permitted by HostkeyAlgorithms",
			"client_input_hostkeys: ecdsa-sha2-nistp256-cert-v01@openssh.com key not permitted by HostkeyAlgorithms"}},
		{"certificate algorithms only", []string{"-o", "HostKeyAlgorithms=ssh-ed25519-cert-v01@openssh.com,ssh-ed25519,ssh-rsa-cert-v01@openssh.com"}, []string{
			"client_input_hostkeys: ssh-ed25519-cert-v01@openssh.com key is a certificate; skipping",
			"client_input_hostkeys: ssh-rsa-cert-v01@openssh.com key is a certificate; skipping",
			"client_input_hostkeys: ecdsa-sha2-nistp256-cert-v01@openssh.com key not permitted by HostkeyAlgorithms"}},
	} {
		ours, ourStatus := run(testenv.Bin(t, "ssh"), tc.opts...)
		theirs, theirStatus := run(testenv.NeedCmd(t, "ssh"), tc.opts...)
		if ours != theirs || ourStatus != theirStatus {
			t.Errorf("%s: sshbox (status %d):\n%s\nOpenSSH (status %d):\n%s", tc.what, ourStatus, ours, theirStatus, theirs)
		}
		wantIn(t, tc.what, ours, tc.msgs...)
	}
}
