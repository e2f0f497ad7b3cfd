package e2e

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sshbox/internal/testenv"
)

// A DNS server for VerifyHostKeyDNS tests: it answers SSHFP questions from
// a table of zones, over UDP and TCP, on an address inside a test's network
// namespace (nothing listens outside it), and notes every question with
// the header bits and EDNS0 record it came with, so that the questions
// sshbox's ssh asks can be compared with those of OpenSSH's (glibc's).

// dnsZone is how the server answers for one name.
type dnsZone struct {
	rdatas  [][]byte // SSHFP RDATAs
	ad      bool     // set the AD bit (the server "validated" the answer)
	rcode   int      // 3: NXDOMAIN
	truncUD bool     // over UDP, a truncated answer without records
	drop    bool     // no answer at all
}

// dnsQuestion is one question the server got.
type dnsQuestion struct {
	Proto string
	Name  string
	Type  uint16
	RD    bool
	AD    bool // the AD bit in the query (glibc sets it with trust-ad)
	EDNS  bool
	DO    bool
	Size  uint16 // EDNS0's UDP payload size
}

type dnsServer struct {
	mu    sync.Mutex
	zones map[string]dnsZone
	log   []dnsQuestion
}

// startDNS listens on addr:53 (UDP and TCP) in the namespace: the sockets
// are made by a thread that entered it and then ends with its goroutine
// (never unlocked), so the rest of the test stays where it was. Never the
// main thread: Go cannot end that one, and /proc/self/net (so /proc/net)
// shows its namespace to the whole process.
func startDNS(t *testing.T, ns *netns, addr string, zones map[string]dnsZone) *dnsServer {
	t.Helper()
	type socks struct {
		pc  net.PacketConn
		l   net.Listener
		err error
	}
	ch := make(chan socks)
	go func() {
		runtime.LockOSThread()
		for unix.Gettid() == unix.Getpid() {
			runtime.UnlockOSThread()
			time.Sleep(time.Millisecond)
			runtime.LockOSThread()
		}
		f, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", ns.pid))
		if err != nil {
			ch <- socks{err: err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- socks{err: err}
			return
		}
		pc, err := net.ListenPacket("udp", net.JoinHostPort(addr, "53"))
		if err != nil {
			ch <- socks{err: err}
			return
		}
		l, err := net.Listen("tcp", net.JoinHostPort(addr, "53"))
		if err != nil {
			pc.Close()
		}
		ch <- socks{pc, l, err}
	}()
	s := <-ch
	if s.err != nil {
		t.Fatalf("DNS server in the namespace: %v", s.err)
	}
	d := &dnsServer{zones: zones}
	t.Cleanup(func() { s.pc.Close(); s.l.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := s.pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := d.answer(buf[:n], "udp"); resp != nil {
				s.pc.WriteTo(resp, from)
			}
		}
	}()
	go func() {
		for {
			c, err := s.l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				var size [2]byte
				for {
					if _, err := io.ReadFull(c, size[:]); err != nil {
						return
					}
					q := make([]byte, binary.BigEndian.Uint16(size[:]))
					if _, err := io.ReadFull(c, q); err != nil {
						return
					}
					resp := d.answer(q, "tcp")
					if resp == nil {
						return
					}
					c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(resp))), resp...))
				}
			}()
		}
	}()
	return d
}

// questions returns the questions asked since the last call.
func (d *dnsServer) questions() []dnsQuestion {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.log
	d.log = nil
	return q
}

// answer makes the response to query q (nil for what is not a query).
func (d *dnsServer) answer(q []byte, proto string) []byte {
	if len(q) < 12 || q[2]&0x80 != 0 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	flags := binary.BigEndian.Uint16(q[2:])
	off := 12
	var labels []string
	for off < len(q) && q[off] != 0 {
		n := int(q[off])
		if n > 63 || off+1+n > len(q) {
			return nil
		}
		labels = append(labels, string(q[off+1:off+1+n]))
		off += 1 + n
	}
	if off+5 > len(q) {
		return nil
	}
	qend := off + 5
	qtype := binary.BigEndian.Uint16(q[off+1:])
	question := dnsQuestion{Proto: proto, Name: strings.Join(labels, "."), Type: qtype,
		RD: flags&0x0100 != 0, AD: flags&0x0020 != 0}
	// An OPT record in the additional section (glibc sends nothing else).
	if binary.BigEndian.Uint16(q[10:]) == 1 && qend+11 <= len(q) && q[qend] == 0 &&
		binary.BigEndian.Uint16(q[qend+1:]) == 41 {
		question.EDNS = true
		question.Size = binary.BigEndian.Uint16(q[qend+3:])
		question.DO = binary.BigEndian.Uint32(q[qend+5:])&0x8000 != 0
	}
	d.mu.Lock()
	d.log = append(d.log, question)
	z, ok := d.zones[strings.ToLower(question.Name)]
	d.mu.Unlock()
	if !ok {
		z = dnsZone{rcode: 3}
	}
	if z.drop {
		return nil
	}
	rflags := uint16(0x8000|0x0080) | flags&0x0100 | uint16(z.rcode) // QR, RA, RD as asked
	if z.ad {
		rflags |= 0x0020
	}
	var records [][]byte
	if qtype == 44 && z.rcode == 0 {
		records = z.rdatas
	}
	if proto == "udp" && z.truncUD {
		rflags |= 0x0200
		records = nil
	}
	m := append([]byte(nil), q[:2]...)
	m = binary.BigEndian.AppendUint16(m, rflags)
	m = binary.BigEndian.AppendUint16(m, 1)
	m = binary.BigEndian.AppendUint16(m, uint16(len(records)))
	m = append(m, 0, 0, 0, 0)
	m = append(m, q[12:qend]...)
	for _, r := range records {
		m = append(m, 0xc0, 12) // the question's name
		m = binary.BigEndian.AppendUint16(m, 44)
		m = binary.BigEndian.AppendUint16(m, 1)
		m = binary.BigEndian.AppendUint32(m, 300)
		m = binary.BigEndian.AppendUint16(m, uint16(len(r)))
		m = append(m, r...)
	}
	return m
}

// sshfpRDatas are the RDATAs of the records ssh-keygen -r prints for a
// public key file (sshbox's, which prints OpenSSH's byte for byte).
func sshfpRDatas(t *testing.T, pub string) [][]byte {
	t.Helper()
	out, err := exec.Command(testenv.Bin(t, "ssh-keygen"), "-r", "x.test", "-f", pub).Output()
	if err != nil {
		t.Fatalf("ssh-keygen -r: %v", err)
	}
	var rdatas [][]byte
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line) // x.test IN SSHFP alg type hex
		if len(f) != 6 || f[2] != "SSHFP" {
			t.Fatalf("ssh-keygen -r printed %q", line)
		}
		alg, _ := strconv.Atoi(f[3])
		typ, _ := strconv.Atoi(f[4])
		fp, err := hex.DecodeString(f[5])
		if err != nil {
			t.Fatal(err)
		}
		rdatas = append(rdatas, append([]byte{byte(alg), byte(typ)}, fp...))
	}
	return rdatas
}

// dnsRig is an sshd on sshfpAddr and a DNS server on dnsAddr in a network
// namespace, with the names of the zones pointing at the sshd in a hosts
// file; clients run in that namespace with the hosts file and a
// resolv.conf of the test's mounted over /etc's in a mount namespace.
type dnsRig struct {
	e        *sshEnv
	ns       *netns
	dns      *dnsServer
	hosts    string
	dir      string
	unshare  string
	hostPub  string // "type base64" of the server's key
	fp       string // its SHA256 fingerprint
	wrongPub string // a key the server does not have
}

const (
	sshfpAddr = "192.0.2.1"  // the server (TEST-NET-1)
	dnsAddr   = "192.0.2.53" // the DNS server
)

func newDNSRig(t *testing.T, zones map[string]dnsZone) *dnsRig {
	t.Helper()
	ns := hostIPNetns(t)
	ns.run(t, "ip", "addr", "add", dnsAddr+"/32", "dev", "lo")
	// An ECDSA key besides the ed25519 one the clients are shown, for
	// UpdateHostKeys to learn.
	cfg, hostKey, port := testenv.OpenSSHDConfig(t, "ListenAddress "+sshfpAddr+"\nHostKey "+hostKeyFile(t, "ecdsa"))
	a := ns.cmd(t, testenv.NeedCmd(t, "sshd"), "-D", "-e", "-f", cfg)
	p := testenv.Start(t, a[0], a[1:]...)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.Stderr.String(), "Server listening on "+sshfpAddr) {
		if time.Now().After(deadline) {
			t.Fatalf("sshd does not listen on %s: %s", sshfpAddr, p.Stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	var hosts strings.Builder
	hosts.WriteString("127.0.0.1 localhost\n")
	for name := range zones {
		fmt.Fprintf(&hosts, "%s %s\n", sshfpAddr, name)
	}
	hostsFile := filepath.Join(dir, "hosts")
	if err := os.WriteFile(hostsFile, []byte(hosts.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &dnsRig{e: newEnv(t, port, hostKey+".pub"), ns: ns, hosts: hostsFile, dir: dir,
		unshare: testenv.NeedCmd(t, "unshare"), hostPub: pubLine(t, hostKey+".pub"), fp: fingerprint(t, hostKey+".pub")}
	r.dns = startDNS(t, ns, dnsAddr, zones)
	return r
}

// resolvConf writes a resolv.conf naming the DNS server (or the servers
// listed in server, when set), with an options line when opts is not empty.
func (r *dnsRig) resolvConf(t *testing.T, server, opts string) string {
	t.Helper()
	if server == "" {
		server = dnsAddr
	}
	text := ""
	for _, addr := range strings.Fields(server) {
		text += "nameserver " + addr + "\n"
	}
	if opts != "" {
		text += "options " + opts + "\n"
	}
	f, err := os.CreateTemp(r.dir, "resolv")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(text)
	f.Close()
	os.Chmod(f.Name(), 0o644)
	return f.Name()
}

// argv is prog's command line (sshbox's ssh or OpenSSH's) to run true on
// host as the rig's user, inside the namespace with the rig's hosts file
// and resolv over /etc's; opts come first, so that they win.
func (r *dnsRig) argv(t *testing.T, prog, resolv, kh, host string, opts ...string) []string {
	args := append([]string{"--mount", "sh", "-c",
		`mount --bind "$0" /etc/hosts && mount --bind "$1" /etc/resolv.conf && shift && exec "$@"`,
		r.hosts, resolv, prog, "-F", "/dev/null", "-v"}, opts...)
	args = append(args, "-i", r.e.key, "-o", "IdentitiesOnly=yes",
		"-o", "UserKnownHostsFile="+kh, "-o", "GlobalKnownHostsFile=/dev/null",
		"-p", fmt.Sprint(r.e.port), r.e.user.Name+"@"+host, "true")
	return r.ns.cmd(t, append([]string{r.unshare}, args...)...)
}
