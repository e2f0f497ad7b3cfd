package keys

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/sshtime"
)

// CertRequest is what ssh-keygen -s is told on its command line.
type CertRequest struct {
	Key        ssh.PublicKey
	KeyID      string   // -I
	Host       bool     // -h
	Principals []string // -n
	Serial     uint64   // -z
	Validity   string   // -V, "" for forever
	Options    []string // -O, in order
	SigAlg     string   // -t for an RSA CA: ssh-rsa, rsa-sha2-256 or rsa-sha2-512 (the default)
	Now        time.Time
}

// defaultExtensions are what OpenSSH grants a user certificate unless -O
// clear or no-* says otherwise.
var defaultExtensions = []string{
	"permit-X11-forwarding", "permit-agent-forwarding", "permit-port-forwarding",
	"permit-pty", "permit-user-rc",
}

// SignCert makes a certificate for r.Key signed by ca.
func SignCert(ca ssh.Signer, r CertRequest) (*ssh.Certificate, error) {
	after, before, err := ParseValidity(r.Validity, r.Now)
	if err != nil {
		return nil, err
	}
	c := &ssh.Certificate{
		Key:             r.Key,
		Serial:          r.Serial,
		CertType:        ssh.UserCert,
		KeyId:           r.KeyID,
		ValidPrincipals: r.Principals,
		ValidAfter:      after,
		ValidBefore:     before,
	}
	if r.Host {
		c.CertType = ssh.HostCert
	} else {
		crit, ext, err := certOptions(r.Options)
		if err != nil {
			return nil, err
		}
		c.CriticalOptions, c.Extensions = crit, ext
	}
	if as, ok := ca.(ssh.AlgorithmSigner); ok && ca.PublicKey().Type() == ssh.KeyAlgoRSA {
		// OpenSSH signs with rsa-sha2-512 unless -t names another.
		alg := r.SigAlg
		if alg == "" {
			alg = ssh.KeyAlgoRSASHA512
		}
		ms, err := ssh.NewSignerWithAlgorithms(as, []string{alg})
		if err != nil {
			return nil, err
		}
		ca = ms
	}
	if err := signCert(c, ca); err != nil {
		return nil, err
	}
	return c, nil
}

// signCert signs c with ca as ssh.Certificate.SignCert does, with the
// first algorithm of a MultiAlgorithmSigner. It is sshbox's own because
// x/crypto (since 0.59) refuses to sign a certificate without principals,
// and ssh-keygen -s without -n makes one, as OpenSSH's does.
func signCert(c *ssh.Certificate, ca ssh.Signer) error {
	if _, isCert := ca.PublicKey().(*ssh.Certificate); isCert {
		return errors.New("a certificate cannot be a certificate authority")
	}
	c.Nonce = make([]byte, 32)
	if _, err := rand.Read(c.Nonce); err != nil {
		return err
	}
	c.SignatureKey = ca.PublicKey()
	data := CertSignedBytes(c)
	var sig *ssh.Signature
	var err error
	if ms, ok := ca.(ssh.MultiAlgorithmSigner); ok {
		sig, err = ms.SignWithAlgorithm(rand.Reader, data, ms.Algorithms()[0])
	} else {
		sig, err = ca.Sign(rand.Reader, data)
	}
	if err != nil {
		return err
	}
	c.Signature = sig
	return nil
}

// CertSignedBytes is what a certificate's signature covers: the
// certificate marshalled without its signature field.
func CertSignedBytes(c *ssh.Certificate) []byte {
	unsigned := *c
	unsigned.Signature = nil
	b := unsigned.Marshal()
	return b[:len(b)-4] // the empty signature's length
}

// CheckUnboundHostCert checks a host certificate that lists no principals.
// OpenSSH's client accepts one for any host name; x/crypto's CertChecker
// (since 0.59) refuses it, so the client checks it here: its type, its
// validity at now, no critical options, and the CA's signature, in
// x/crypto's words. Whether the CA is trusted for the host is the
// caller's part.
func CheckUnboundHostCert(c *ssh.Certificate, now time.Time) error {
	if c.CertType != ssh.HostCert {
		return fmt.Errorf("ssh: certificate presented as a host key has type %d", c.CertType)
	}
	for opt := range c.CriticalOptions {
		return fmt.Errorf("ssh: unsupported critical option %q in certificate", opt)
	}
	unixNow := now.Unix()
	if after := int64(c.ValidAfter); after < 0 || unixNow < after {
		return errors.New("ssh: cert is not yet valid")
	}
	if before := int64(c.ValidBefore); c.ValidBefore != ssh.CertTimeInfinity && (unixNow >= before || before < 0) {
		return errors.New("ssh: cert has expired")
	}
	if c.Signature == nil || c.SignatureKey.Verify(CertSignedBytes(c), c.Signature) != nil {
		return errors.New("ssh: certificate signature does not verify")
	}
	return nil
}

// CheckCertOptions checks ssh-keygen -O options for a certificate, with
// the errors SignCert would give.
func CheckCertOptions(opts []string) error {
	_, _, err := certOptions(opts)
	return err
}

func certOptions(opts []string) (crit, ext map[string]string, err error) {
	crit = map[string]string{}
	ext = map[string]string{}
	for _, e := range defaultExtensions {
		ext[e] = ""
	}
	for _, o := range opts {
		name, value, hasValue := strings.Cut(o, "=")
		switch lower := strings.ToLower(name); {
		case lower == "clear":
			crit, ext = map[string]string{}, map[string]string{}
		case lower == "force-command" && hasValue:
			if _, twice := crit["force-command"]; twice {
				return nil, nil, errors.New("force-command already specified")
			}
			crit["force-command"] = value
		case lower == "source-address" && hasValue:
			if _, twice := crit["source-address"]; twice {
				return nil, nil, errors.New("source-address already specified")
			}
			if value == "" {
				return nil, nil, errors.New("Empty source-address option")
			}
			if err := CheckSourceAddress(value); err != nil {
				return nil, nil, err
			}
			crit["source-address"] = value
		case lower == "verify-required":
			crit["verify-required"] = ""
		case lower == "no-touch-required":
			ext["no-touch-required"] = ""
		case strings.HasPrefix(lower, "no-") && !hasValue:
			what := "permit-" + name[3:]
			if strings.EqualFold(what, "permit-x11-forwarding") {
				what = "permit-X11-forwarding"
			}
			if _, known := indexOf(defaultExtensions, what); !known {
				return nil, nil, fmt.Errorf("Unsupported certificate option \"%s\"", o)
			}
			delete(ext, what)
		case strings.HasPrefix(lower, "permit-") && !hasValue:
			what := name
			if strings.EqualFold(what, "permit-x11-forwarding") {
				what = "permit-X11-forwarding"
			}
			if _, known := indexOf(defaultExtensions, what); !known {
				return nil, nil, fmt.Errorf("Unsupported certificate option \"%s\"", o)
			}
			ext[what] = ""
		case strings.HasPrefix(lower, "critical:"):
			crit[name[len("critical:"):]] = value
		case strings.HasPrefix(lower, "extension:"):
			ext[name[len("extension:"):]] = value
		default:
			return nil, nil, fmt.Errorf("Unsupported certificate option \"%s\"", o)
		}
	}
	return crit, ext, nil
}

func indexOf(list []string, s string) (int, bool) {
	for i, v := range list {
		if v == s {
			return i, true
		}
	}
	return -1, false
}

// ParseValidity reads ssh-keygen -V: "start:end" or just "end", each
// "always"/"forever", an absolute YYYYMMDD[HHMM[SS]] or a relative
// [+-]N[smhdw]... time. "" means forever. Its errors are OpenSSH's.
func ParseValidity(spec string, now time.Time) (after, before uint64, err error) {
	if spec == "" {
		return 0, ssh.CertTimeInfinity, nil
	}
	from, to, hasFrom := strings.Cut(spec, ":")
	if !hasFrom {
		// A bare relative end starts the certificate a minute ago, on the
		// minute, as OpenSSH does to allow for clock skew. (A bare
		// absolute end is sshbox's; OpenSSH wants start:end.)
		after = uint64(now.Add(-time.Minute).Truncate(time.Minute).Unix())
		if strings.HasPrefix(spec, "-") {
			return 0, 0, fmt.Errorf("Invalid certificate life specification %s", spec)
		}
		if before, err = parseTime(spec, now, false); err != nil {
			if strings.HasPrefix(spec, "+") {
				return 0, 0, fmt.Errorf("Invalid relative certificate life %s", spec)
			}
			return 0, 0, fmt.Errorf("Invalid certificate life specification %s", spec)
		}
	} else {
		if from == "" || to == "" {
			return 0, 0, fmt.Errorf("Invalid certificate life specification %s", spec)
		}
		if after, err = parseTime(from, now, true); err != nil {
			return 0, 0, timeError("from", from)
		}
		if before, err = parseTime(to, now, false); err != nil {
			return 0, 0, timeError("to", to)
		}
	}
	if before <= after {
		return 0, 0, fmt.Errorf("Empty certificate validity interval")
	}
	return after, before, nil
}

// timeError is OpenSSH's complaint about one end of start:end.
func timeError(which, s string) error {
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
		return fmt.Errorf("Invalid relative certificate time %s", s)
	}
	return fmt.Errorf("Invalid %s time \"%s\"", which, s)
}

func parseTime(s string, now time.Time, start bool) (uint64, error) {
	switch {
	case strings.EqualFold(s, "always") && start:
		return 0, nil
	case strings.EqualFold(s, "forever") && !start:
		return ssh.CertTimeInfinity, nil
	case strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-"):
		secs, err := sshtime.Interval(s[1:])
		if err != nil {
			return 0, fmt.Errorf("bad interval %q", s[1:])
		}
		d := time.Duration(secs) * time.Second
		if s[0] == '-' {
			d = -d
		}
		return uint64(now.Add(d).Unix()), nil
	case strings.HasPrefix(s, "0x"):
		return strconv.ParseUint(s[2:], 16, 64)
	}
	t, err := sshtime.Absolute(s, time.Local)
	if err != nil {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return uint64(t.Unix()), nil
}

func certTime(t uint64) string {
	if t > math.MaxInt64 {
		return "forever"
	}
	return time.Unix(int64(t), 0).Format("2006-01-02T15:04:05")
}

// ValidityText is OpenSSH's wording of a certificate's validity.
func ValidityText(c *ssh.Certificate) string {
	switch {
	case c.ValidAfter == 0 && c.ValidBefore == ssh.CertTimeInfinity:
		return "forever"
	case c.ValidAfter == 0:
		return "before " + certTime(c.ValidBefore)
	case c.ValidBefore == ssh.CertTimeInfinity:
		return "after " + certTime(c.ValidAfter)
	}
	return "from " + certTime(c.ValidAfter) + " to " + certTime(c.ValidBefore)
}

// DescribeCert renders ssh-keygen -L's description of a certificate.
func DescribeCert(name string, c *ssh.Certificate) string {
	var b strings.Builder
	kind := "user"
	if c.CertType == ssh.HostCert {
		kind = "host"
	}
	const ind = "        "
	fmt.Fprintf(&b, "%s:\n", name)
	fmt.Fprintf(&b, "%sType: %s %s certificate\n", ind, c.Type(), kind)
	fmt.Fprintf(&b, "%sPublic key: %s %s\n", ind, TypeLabel(c), Fingerprint(c.Key, "sha256"))
	alg := c.SignatureKey.Type()
	if c.Signature != nil {
		alg = c.Signature.Format
	}
	fmt.Fprintf(&b, "%sSigning CA: %s %s (using %s)\n", ind, TypeLabel(c.SignatureKey), Fingerprint(c.SignatureKey, "sha256"), alg)
	fmt.Fprintf(&b, "%sKey ID: \"%s\"\n", ind, c.KeyId)
	fmt.Fprintf(&b, "%sSerial: %d\n", ind, c.Serial)
	fmt.Fprintf(&b, "%sValid: %s\n", ind, ValidityText(c))
	list := func(title string, items []string) {
		if len(items) == 0 {
			fmt.Fprintf(&b, "%s%s: (none)\n", ind, title)
			return
		}
		fmt.Fprintf(&b, "%s%s: \n", ind, title)
		for _, it := range items {
			fmt.Fprintf(&b, "%s%s%s\n", ind, ind, it)
		}
	}
	list("Principals", c.ValidPrincipals)
	list("Critical Options", tuples(c.CriticalOptions))
	list("Extensions", tuples(c.Extensions))
	return b.String()
}

func tuples(m map[string]string) []string {
	var out []string
	for k, v := range m {
		if v != "" {
			out = append(out, k+" "+v)
		} else {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
