package server

import (
	"bytes"
	"fmt"
	"os"

	"golang.org/x/crypto/ssh"
)

// AddHostCertificates adds, for each HostCertificate file, a signer that
// presents the certificate for the host key it certifies (clients that
// trust the CA with @cert-authority in known_hosts accept it; the others
// still get the plain key). A certificate that cannot be read, is not a
// host certificate, or matches no loaded key is reported through logf and
// skipped, as OpenSSH does.
func AddHostCertificates(keys []ssh.Signer, files []string, logf func(format string, args ...any)) []ssh.Signer {
	out := keys
	for _, path := range files {
		cs, err := hostCertSigner(keys, path)
		if err != nil {
			logf(msgHostCertLoad, path, err)
			continue
		}
		// The certificate first: x/crypto offers host keys in the order
		// added, and a client asking for certificates should get one.
		out = append([]ssh.Signer{cs}, out...)
	}
	return out
}

func hostCertSigner(keys []ssh.Signer, path string) (ssh.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil, err
	}
	cert, ok := pub.(*ssh.Certificate)
	if !ok {
		return nil, fmt.Errorf("not a certificate")
	}
	if cert.CertType != ssh.HostCert {
		return nil, fmt.Errorf("not a host certificate")
	}
	want := cert.Key.Marshal()
	for _, k := range keys {
		if bytes.Equal(k.PublicKey().Marshal(), want) {
			return ssh.NewCertSigner(cert, k)
		}
	}
	return nil, fmt.Errorf("no host key matches the certificate")
}
