package server

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pipeConn is one end of net.Pipe with the client's bytes already sent.
func identRead(t *testing.T, client string) (*identConn, string, error) {
	a, b := net.Pipe()
	go func() {
		b.Write([]byte(client))
		b.Close()
	}()
	go func() { // drain what identConn answers
		buf := make([]byte, 512)
		for {
			if _, err := b.Read(buf); err != nil {
				return
			}
		}
	}()
	ic := &identConn{Conn: a}
	var got []byte
	buf := make([]byte, 7)
	var err error
	for {
		var n int
		n, err = ic.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	a.Close()
	return ic, string(got), err
}

func TestIdentConn(t *testing.T) {
	for in, want := range map[string]string{
		"SSH-2.0-OpenSSH_9.2\r\nrest": "",
		"SSH-1.99-Old\r\n":            "",
		"SSH-1.5-Old\r\n":             "Protocol major versions differ: 2 vs. 1",
		"garbage\r\n":                 `kex_exchange_identification: client sent invalid protocol identifier "garbage"`,
		"bad\x1b[31m\n":               `kex_exchange_identification: client sent invalid protocol identifier "bad\033[31m"`,
		strings.Repeat("x", 300):      `kex_exchange_identification: client sent invalid protocol identifier "` + strings.Repeat("x", 255) + `"`,
	} {
		ic, got, err := identRead(t, in)
		if ic.logLine != want {
			t.Errorf("%q: log %q, want %q", in, ic.logLine, want)
		}
		if want == "" && got != in {
			t.Errorf("%q passed as %q (%v)", in, got, err)
		}
	}
}

// identVersionRE is the expression sshd once matched the version with;
// FuzzIdentConn holds protocolVersion to it.
var identVersionRE = regexp.MustCompile(`^SSH-([0-9]+)\.([0-9]+)-`)

// FuzzIdentConn: whatever a client sends first, the check neither panics
// nor passes on a refused line.
func FuzzIdentConn(f *testing.F) {
	f.Add("SSH-2.0-x\r\n")
	f.Add("SSH-1.5-x\n")
	f.Add("\n")
	for _, seed := range []string{"SSH-02.0-x\n", "SSH-2.0\n", "SSH-.0-x\n", "SSH-2.-x\n", "SSH-99999999999999999999.0-x\n", "SSH-1.99-\n", "xSSH-2.0-x\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ic := &identConn{}
		first, _, complete := strings.Cut(in, "\n")
		if !complete || len(first) > maxIdentLine {
			return
		}
		// protocolVersion reads what this expression does.
		m := identVersionRE.FindStringSubmatch(first)
		major, minor, parsed := protocolVersion([]byte(first))
		if parsed != (m != nil) {
			t.Fatalf("%q: parsed %v, expression matched %v", first, parsed, m != nil)
		}
		if m != nil {
			want1, _ := strconv.Atoi(m[1])
			want2, _ := strconv.Atoi(m[2])
			if major != want1 || minor != want2 {
				t.Fatalf("%q: %d.%d, want %d.%d", first, major, minor, want1, want2)
			}
		}
		ok := ic.judge([]byte(strings.TrimSuffix(first, "\r")))
		if ok != (ic.reply == "") {
			t.Fatalf("%q: ok %v with reply %q", in, ok, ic.reply)
		}
		if ok && !strings.HasPrefix(first, "SSH-2.") && !strings.HasPrefix(first, "SSH-1.99-") && !strings.HasPrefix(first, "SSH-02.") {
			if !strings.HasPrefix(first, "SSH-") {
				t.Fatalf("%q accepted", first)
			}
		}
		if strings.ContainsAny(ic.logLine, "\n\r") {
			t.Fatalf("%q: log line %q", in, ic.logLine)
		}
	})
}
