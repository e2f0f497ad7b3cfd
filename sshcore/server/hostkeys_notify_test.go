package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"net"
	"os"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
	"sshbox/sshcore"
	"sshbox/sshcore/loglevel"
)

// TestHostKeysNotifyAndProve: after authentication the server announces
// each plain host key once (no certificate, no repeat), proves the keys a
// client asks about with signatures over the session identifier (RSA with
// the negotiated RSA algorithm, else rsa-sha2-512), and refuses to prove a
// key it does not hold.
func TestHostKeysNotifyAndProve(t *testing.T) {
	u := testenv.NewUser(t, "")
	data, _ := os.ReadFile(u.AuthorizeKey(t, ""))
	userKey, err := ssh.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	ed, _ := ssh.NewSignerFromKey(edPriv)
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := ssh.NewSignerFromKey(rsaPriv)
	cert := &ssh.Certificate{Key: ed.PublicKey(), CertType: ssh.HostCert, ValidPrincipals: []string{"127.0.0.1"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, rs); err != nil {
		t.Fatal(err)
	}
	certSigner, _ := ssh.NewCertSigner(cert, ed)

	var log testenv.SyncBuffer
	srv := &Server{
		Config:   func(configfmt.MatchConn) (*configfmt.ServerOptions, error) { return testOptions(), nil },
		HostKeys: []ssh.Signer{ed, rs, ed, certSigner},
		Log:      NewLogger(&log, loglevel.Debug3),
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Shutdown()
		<-done
	})

	for _, tc := range []struct{ hostAlg, wantRSA string }{
		{ssh.KeyAlgoED25519, ssh.KeyAlgoRSASHA512},
		{ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSASHA256},
	} {
		nc, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		cfg := &ssh.ClientConfig{User: u.Name, Auth: []ssh.AuthMethod{ssh.PublicKeys(userKey)},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), HostKeyAlgorithms: []string{tc.hostAlg}}
		sc, chans, reqs, err := ssh.NewClientConn(nc, l.Addr().String(), cfg)
		if err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
		go func() {
			for nch := range chans {
				nch.Reject(ssh.Prohibited, "")
			}
		}()
		// The server announces its keys before it reads anything after
		// authentication, so by the answer to a later request the
		// announcement is queued.
		sc.SendRequest("keepalive@openssh.com", true, nil)
		var req *ssh.Request
		select {
		case req = <-reqs:
		default:
			t.Fatal("no hostkeys-00@openssh.com before the reply to a later request")
		}
		go ssh.DiscardRequests(reqs)
		if req.Type != "hostkeys-00@openssh.com" || req.WantReply {
			t.Fatalf("first global request %q want-reply %v", req.Type, req.WantReply)
		}
		blobs, err := sshcore.SplitStrings(req.Payload)
		if err != nil {
			t.Fatal(err)
		}
		if len(blobs) != 2 || !bytes.Equal(blobs[0], ed.PublicKey().Marshal()) || !bytes.Equal(blobs[1], rs.PublicKey().Marshal()) {
			t.Fatalf("announced %d keys, want the ed25519 and the RSA key once each", len(blobs))
		}

		ok, resp, err := sc.SendRequest("hostkeys-prove-00@openssh.com", true, req.Payload)
		if err != nil || !ok {
			t.Fatalf("prove: %v %v\n%s", ok, err, log.String())
		}
		sigs, err := sshcore.SplitStrings(resp)
		if err != nil || len(sigs) != len(blobs) {
			t.Fatalf("%d signatures for %d keys (%v)", len(sigs), len(blobs), err)
		}
		for i, blob := range blobs {
			sigBlob := sigs[i]
			var sig ssh.Signature
			if err := ssh.Unmarshal(sigBlob, &sig); err != nil {
				t.Fatal(err)
			}
			pub, _ := ssh.ParsePublicKey(blob)
			if err := pub.Verify(sshcore.HostKeyProofData(sc.SessionID(), blob), &sig); err != nil {
				t.Errorf("key %d: %v", i, err)
			}
			if pub.Type() == ssh.KeyAlgoRSA && sig.Format != tc.wantRSA {
				t.Errorf("%s negotiated: RSA proof is %s, want %s", tc.hostAlg, sig.Format, tc.wantRSA)
			}
		}

		_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
		other, _ := ssh.NewSignerFromKey(otherPriv)
		payload := append(ssh.Marshal(struct{ B []byte }{ed.PublicKey().Marshal()}),
			ssh.Marshal(struct{ B []byte }{other.PublicKey().Marshal()})...)
		if ok, _, err := sc.SendRequest("hostkeys-prove-00@openssh.com", true, payload); err != nil || ok {
			t.Errorf("proof of a foreign key: ok=%v err=%v", ok, err)
		}
		if ok, _, err := sc.SendRequest("hostkeys-prove-00@openssh.com", true, []byte{0, 0, 1}); err != nil || ok {
			t.Errorf("truncated prove request: ok=%v err=%v", ok, err)
		}
		sc.Close()
	}
	if !bytes.Contains([]byte(log.String()), []byte("notify_hostkeys: sent 2 hostkeys")) {
		t.Errorf("log:\n%s", log.String())
	}
}
