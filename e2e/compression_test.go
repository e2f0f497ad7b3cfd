package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// compressible is a payload zlib shrinks several times over (text that
// repeats with variations), with some random bytes in the middle, which it
// cannot.
func compressible(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "line %d of a log that compresses well: status=ok bytes=%d\n", i, i*37%1000)
		if i == 5000 {
			r := make([]byte, 64*1024)
			rand.Read(r)
			b.Write(r)
		}
	}
	return b.Bytes()[:n]
}

// countingProxy relays TCP connections to target and counts the bytes
// each way: what compression saved, seen on the wire rather than as
// either program reports it.
type countingProxy struct {
	addr     string
	up, down atomic.Int64
}

func startCountingProxy(t *testing.T, target string) *countingProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{addr: l.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			wg.Add(2)
			// Counted as each chunk is passed on, so that the count is
			// complete when the peer has the bytes, not when the copy ends.
			relay := func(dst, src net.Conn, n *atomic.Int64) {
				defer wg.Done()
				io.Copy(countingWriter{dst, n}, src)
				dst.(*net.TCPConn).CloseWrite()
			}
			go relay(s, c, &p.up)
			go relay(c, s, &p.down)
		}
	}()
	return p
}

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(b []byte) (int, error) {
	k, err := c.w.Write(b)
	c.n.Add(int64(k))
	return k, err
}

func (p *countingProxy) port(t *testing.T) int {
	_, port, _ := net.SplitHostPort(p.addr)
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var compressLine = regexp.MustCompile(`compress (outgoing|incoming): raw data (\d+), compressed (\d+), factor`)

// compressFigures reads OpenSSH's (or sshbox's, the same) closing lines:
// raw and compressed bytes each way.
func compressFigures(stderr string) map[string][2]int64 {
	out := map[string][2]int64{}
	for _, m := range compressLine.FindAllStringSubmatch(stderr, -1) {
		raw, _ := strconv.ParseInt(m[2], 10, 64)
		wire, _ := strconv.ParseInt(m[3], 10, 64)
		out[m[1]] = [2]int64{raw, wire}
	}
	return out
}

// TestCompressionSshToOpenSSH: `ssh -C` against OpenSSH's sshd negotiates
// zlib@openssh.com, says so as OpenSSH's ssh does, carries the data intact
// both ways, and puts fewer bytes on the wire than it carries.
func TestCompressionSshToOpenSSH(t *testing.T) {
	t.Parallel()
	data := compressible(4 << 20)
	e, d := openSSHEnv(t, "")
	p := startCountingProxy(t, d.Addr)
	args := append(e.base(), "-o", "BatchMode=yes", "-o", "HostKeyAlias=[127.0.0.1]:"+strconv.Itoa(d.Port),
		"-p", strconv.Itoa(p.port(t)), "-C", "-v", e.dest(), "cat")
	stdout, stderr, status := e.run(bytes.NewReader(data), args...)
	if status != 0 || stdout != string(data) {
		t.Fatalf("status %d, %d bytes back of %d; stderr:\n%s", status, len(stdout), len(data), stderr)
	}
	for _, want := range []string{
		"debug1: kex: server->client cipher: ", "compression: zlib@openssh.com",
		"debug1: Enabling compression at level 6.",
		"debug1: compress outgoing: raw data ", "debug1: compress incoming: raw data ",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	f := compressFigures(stderr)
	if f["outgoing"][0] < int64(len(data)) || f["incoming"][0] < int64(len(data)) {
		t.Errorf("figures %v: less than the %d bytes sent each way", f, len(data))
	}
	if up, down := p.up.Load(), p.down.Load(); up > int64(len(data))/3 || down > int64(len(data))/3 {
		t.Errorf("wire: %d bytes up, %d down for %d each way: not compressed", up, down, len(data))
	}
	// A key exchange every 64 KiB starts new streams both ways.
	args = append(e.base(), "-o", "BatchMode=yes", "-C", "-v", "-o", "RekeyLimit=64K", e.dest(), "cat")
	stdout, stderr, status = e.run(bytes.NewReader(data), args...)
	if status != 0 || stdout != string(data) || strings.Count(stderr, "SSH2_MSG_KEXINIT sent") < 3 {
		t.Errorf("with RekeyLimit=64K: status %d, %d bytes back of %d; stderr:\n%s", status, len(stdout), len(data), stderr)
	}
	// Without -C, the same client sends its data as it is.
	p.up.Store(0)
	args = append(e.base(), "-o", "BatchMode=yes", "-o", "HostKeyAlias=[127.0.0.1]:"+strconv.Itoa(d.Port),
		"-p", strconv.Itoa(p.port(t)), "-v", e.dest(), "cat >/dev/null")
	_, stderr, status = e.run(bytes.NewReader(data), args...)
	if status != 0 || !strings.Contains(stderr, "compression: none") || strings.Contains(stderr, "Enabling compression") {
		t.Errorf("without -C: status %d, stderr:\n%s", status, stderr)
	}
	if up := p.up.Load(); up < int64(len(data)) {
		t.Errorf("without -C: %d bytes on the wire for %d", up, len(data))
	}
}

// TestCompressionOpenSSHToSshd: OpenSSH's `ssh -C` against sshbox's sshd.
// OpenSSH's own figures show sshbox's deflating (what OpenSSH inflated,
// and how little came over the wire); the data coming back intact shows
// its inflating. With a re-key every 64 KiB, both sides start new streams
// at each NEWKEYS.
func TestCompressionOpenSSHToSshd(t *testing.T) {
	t.Parallel()
	data := compressible(4 << 20)
	d := testenv.StartSshbox(t, "LogLevel DEBUG1")
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	for _, extra := range [][]string{nil, {"-o", "RekeyLimit=64K"}} {
		args := append([]string{"-C", "-v"}, extra...)
		args = append(args, testenv.SSHArgs(key, d.Port, u.Name)...)
		r := testenv.Run(t, exec.Command(testenv.NeedCmd(t, "ssh"), append(args, "cat")...), string(data))
		if r.RC != 0 || r.Out != string(data) {
			t.Fatalf("%v: status %d, %d bytes back of %d; stderr:\n%s\nsshd:\n%s", extra, r.RC, len(r.Out), len(data), r.Err, d.Proc.Stderr.String())
		}
		if !strings.Contains(r.Err, "compression: zlib@openssh.com") || !strings.Contains(r.Err, "Enabling compression at level 6.") {
			t.Errorf("%v: OpenSSH did not compress:\n%s", extra, r.Err)
		}
		if len(extra) > 0 {
			// OpenSSH starts its figures again with each stream.
			if strings.Count(r.Err, "SSH2_MSG_KEXINIT sent") < 3 {
				t.Errorf("%v: expected several key exchanges:\n%s", extra, r.Err)
			}
			continue
		}
		f := compressFigures(r.Err)
		in := f["incoming"]
		if in[0] < int64(len(data)) || in[1] == 0 || in[1] > in[0]/3 {
			t.Errorf("%v: OpenSSH inflated %d bytes from %d; want at least %d from a third of it", extra, in[0], in[1], len(data))
		}
		// sshd's own figures, logged at debug level as the connection
		// closes, in the words of OpenSSH's ssh: it read the data
		// compressed and sent it back compressed.
		d.WaitLog(t, "compress incoming: raw data ", 5*time.Second)
		sf := compressFigures(d.Proc.Stderr.String())
		for _, dir := range []string{"incoming", "outgoing"} {
			if v := sf[dir]; v[0] < int64(len(data)) || v[1] == 0 || v[1] > v[0]/3 {
				t.Errorf("sshd's %s figures: raw %d, compressed %d; want at least %d raw from a third of it", dir, v[0], v[1], len(data))
			}
		}
	}
}

// TestCompressionSshboxBothEnds: sshbox's ssh and sshd, with a re-key
// every 64 KiB from the client's side, and sshd's `Compression no`, which
// leaves an OpenSSH client's -C with nothing to agree on but "none".
func TestCompressionSshboxBothEnds(t *testing.T) {
	t.Parallel()
	data := compressible(2 << 20)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	args := append([]string{"-C", "-v", "-o", "RekeyLimit=64K"}, testenv.SSHArgs(key, d.Port, u.Name)...)
	r := testenv.Run(t, exec.Command(testenv.Bin(t, "ssh"), append(args, "cat")...), string(data))
	if r.RC != 0 || r.Out != string(data) {
		t.Fatalf("status %d, %d bytes back of %d; stderr:\n%s", r.RC, len(r.Out), len(data), r.Err)
	}
	f := compressFigures(r.Err)
	if out := f["outgoing"]; out[0] < int64(len(data)) || out[1] > out[0]/3 {
		t.Errorf("figures %v:\n%s", f, r.Err)
	}

	off := testenv.StartSshbox(t, "Compression no\n")
	args = append([]string{"-C", "-v"}, testenv.SSHArgs(key, off.Port, u.Name)...)
	r = testenv.Run(t, exec.Command(testenv.NeedCmd(t, "ssh"), append(args, "true")...), "")
	if r.RC != 0 || !strings.Contains(r.Err, "compression: none") || strings.Contains(r.Err, "Enabling compression") {
		t.Errorf("sshd with Compression no: status %d, stderr:\n%s", r.RC, r.Err)
	}
	out, err := exec.Command(testenv.Bin(t, ""), "sshd", "-T", "-f", os.DevNull).Output()
	if err != nil || !strings.Contains(string(out), "\ncompression yes\n") {
		t.Errorf("sshd -T: %v, want compression yes in:\n%s", err, out)
	}
}

const paramikoCompressScript = `
import sys, paramiko
c = paramiko.SSHClient()
c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
c.connect("127.0.0.1", port=int(sys.argv[1]), username=sys.argv[2], key_filename=sys.argv[3],
          look_for_keys=False, allow_agent=False, compress=True)
data = sys.stdin.buffer.read()
stdin, stdout, stderr = c.exec_command("cat")
stdin.write(data)
stdin.channel.shutdown_write()
back = stdout.read()
t = c.get_transport()
print("%s %s %d" % (t.local_compression, t.remote_compression, back == data))
for f in (stdin, stdout, stderr):
    f.close()
c.close()
`

// TestCompressionParamiko: paramiko's client with compress=True.
func TestCompressionParamiko(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	runParamiko(t, d, paramikoCompressScript, compressible(1<<20), u.Name, key, "zlib@openssh.com zlib@openssh.com 1")
}

// TestCompressionDropbear: sshbox's `ssh -C` against Dropbear's server,
// with key exchanges along the way.
func TestCompressionDropbear(t *testing.T) {
	t.Parallel()
	data := compressible(1 << 20)
	db := testenv.StartDropbear(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	args := append([]string{"-C", "-v", "-o", "RekeyLimit=128K"}, testenv.SSHArgs(key, db.Port, u.Name)...)
	r := testenv.Run(t, exec.Command(testenv.Bin(t, "ssh"), append(args, "cat")...), string(data))
	if r.RC != 0 || r.Out != string(data) {
		t.Fatalf("status %d, %d bytes back of %d; stderr:\n%s", r.RC, len(r.Out), len(data), r.Err)
	}
	if !strings.Contains(r.Err, "compression: zlib@openssh.com") {
		t.Errorf("not compressed:\n%s", r.Err)
	}
}

// TestCompressionScp: scp -C (and sftp -C, the same code) moves a file
// that compresses in a fraction of its size on the wire, both ways.
func TestCompressionScp(t *testing.T) {
	t.Parallel()
	e, d := sshboxEnv(t, "")
	p := startCountingProxy(t, d.Addr)
	far := *e
	far.port = p.port(t)
	far.kh = testenv.KnownHosts(t, t.TempDir(), far.port, d.HostKey+".pub")
	local := t.TempDir()
	src := filepath.Join(local, "log.txt")
	data := compressible(8 << 20)
	os.WriteFile(src, data, 0o644)
	if r := far.scp("-C", src, far.remote("log.txt")); r.RC != 0 {
		t.Fatalf("upload: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, src, filepath.Join(e.user.Home, "log.txt"))
	back := filepath.Join(local, "back.txt")
	if r := far.scp("-C", far.remote("log.txt"), back); r.RC != 0 {
		t.Fatalf("download: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, src, back)
	if up, down := p.up.Load(), p.down.Load(); up > int64(len(data))/3 || down > int64(len(data))/3 {
		t.Errorf("wire: %d bytes up, %d down for %d each way: not compressed", up, down, len(data))
	}
}
