package client

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/loglevel"

	"sshbox/sshcore/knownhosts"
)

func TestParseDestination(t *testing.T) {
	for in, want := range map[string]Hop{
		"host":                  {Host: "host"},
		"u@host":                {User: "u", Host: "host"},
		"u@host:2222":           {User: "u", Host: "host", Port: 2222},
		"ssh://u@host:2222":     {User: "u", Host: "host", Port: 2222},
		"ssh://host":            {Host: "host"},
		"[::1]:22":              {Host: "::1", Port: 22},
		"::1":                   {Host: "::1"},
		"a@b@host":              {User: "a@b", Host: "host"},
		"ssh://[fe80::1]:10022": {Host: "fe80::1", Port: 10022},
	} {
		got, err := ParseDestination(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "@host", "host:0", "host:99999", "host:x", "[::1", "ssh://", "ssh://h/path", "a b"} {
		if h, err := ParseDestination(bad); err == nil {
			t.Errorf("%q: accepted as %+v", bad, h)
		}
	}
}

func TestParseForward(t *testing.T) {
	for in, want := range map[string]fwdSpec{
		"8080:localhost:80":        {bindPort: 8080, host: "localhost", hostPort: 80},
		"*:8080:10.0.0.1:80":       {bindHost: "*", bindPort: 8080, host: "10.0.0.1", hostPort: 80},
		"8080 localhost:80":        {bindPort: 8080, host: "localhost", hostPort: 80},
		"[::1]:8080:[fe80::1]:443": {bindHost: "::1", bindPort: 8080, host: "fe80::1", hostPort: 443},
		"/tmp/l.sock:/run/r.sock":  {bindPath: "/tmp/l.sock", hostPath: "/run/r.sock"},
		"8080:/run/r.sock":         {bindPort: 8080, hostPath: "/run/r.sock"},
		"127.0.0.1:8080:/run/r":    {bindHost: "127.0.0.1", bindPort: 8080, hostPath: "/run/r"},
		"/tmp/l.sock:db:5432":      {bindPath: "/tmp/l.sock", host: "db", hostPort: 5432},
		"./rel/sock:db:5432":       {bindPath: "./rel/sock", host: "db", hostPort: 5432},
	} {
		got, err := ParseForward(in, false)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", in, got, err, want)
		}
	}
	if got, err := ParseForward("127.0.0.1:1080", true); err != nil || got.bindPort != 1080 || got.bindHost != "127.0.0.1" {
		t.Errorf("dynamic: %+v %v", got, err)
	}
	for _, bad := range []string{"", "80", "a:b:c", "1:h:99999", "1:2:3:4:5", "/a:/b:c", "1:/h:2", "8080:host"} {
		if _, err := ParseForward(bad, false); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseEscapeChar(t *testing.T) {
	for in, want := range map[string]int{"~": '~', "none": EscapeNone, "^]": 0x1d, "^a": 1, "%": '%'} {
		if got, err := ParseEscapeChar(in); err != nil || got != want {
			t.Errorf("%q: %d %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ab", "^1", "^~x"} {
		if _, err := ParseEscapeChar(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestEscapeFilter(t *testing.T) {
	var disconnected bool
	f := &escapeFilter{c: &Client{}, ch: '~', lineHead: true, disconnect: func() { disconnected = true }, w: io.Discard}
	if got := string(f.filter([]byte("a~b\r~~c\n~x"))); got != "a~b\r~c\n~x" {
		t.Errorf("filtered %q", got)
	}
	// An escape split across two reads still counts.
	f.filter([]byte("\r~"))
	if got := string(f.filter([]byte(".rest"))); got != "" || !disconnected {
		t.Errorf("~. across reads: sent %q, disconnected %v", got, disconnected)
	}
}

func FuzzParseDestination(f *testing.F) {
	for _, s := range []string{"u@h:22", "ssh://u@[::1]:2", "[h]:x", "a@@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseDestination(s)
		if err != nil {
			return
		}
		if h.Host == "" || h.Port < 0 || h.Port > 65535 {
			t.Fatalf("%q gave %+v", s, h)
		}
	})
}

func FuzzParseForward(f *testing.F) {
	for _, s := range []string{"1:h:2", "[::1]:1:[::2]:2", "a:1:b:2", "1 h:2", "/l:/r", "1:/r", "/l:h:2", "a:1:/r"} {
		f.Add(s, false)
	}
	f.Add("1080", true)
	f.Fuzz(func(t *testing.T, s string, dynamic bool) {
		fw, err := ParseForward(s, dynamic)
		if err != nil {
			return
		}
		if fw.bindPort < 0 || fw.bindPort > 65535 || fw.hostPort < 0 || fw.hostPort > 65535 {
			t.Fatalf("%q gave %+v", s, fw)
		}
		if !dynamic && (fw.host == "") == (fw.hostPath == "") {
			t.Fatalf("%q: neither or both of host and socket path: %+v", s, fw)
		}
		if fw.bindPath != "" && (fw.bindHost != "" || fw.bindPort != 0) {
			t.Fatalf("%q: socket path and address both: %+v", s, fw)
		}
	})
}

func FuzzEscapeFilter(f *testing.F) {
	f.Add([]byte("ls\r~.\n"), byte('~'))
	f.Add([]byte("~~~?~#"), byte('~'))
	f.Add([]byte("x\r~R~B\n~v~V~V"), byte('~'))
	f.Fuzz(func(t *testing.T, in []byte, ch byte) {
		e := &escapeFilter{c: &Client{Log: NewLogger(io.Discard, loglevel.Info)}, ch: ch, sendBreak: func() {}, lineHead: true, disconnect: func() {}, suspend: func() {}, w: io.Discard,
			command: func(l string) string {
				if len(l) > 1024 {
					t.Fatalf("command line of %d bytes", len(l))
				}
				return "ok\n"
			}}
		if strings.IndexByte(".?#\x1aBRVv", ch) >= 0 {
			return
		}
		out := e.filter(in)
		if len(out) > len(in)+1 {
			t.Fatalf("%q became %q", in, out)
		}
		if bytes.IndexByte(in, ch) < 0 && string(out) != string(in) {
			t.Fatalf("%q without escape char changed to %q", in, out)
		}
	})
}

func TestPreferKnown(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaPub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	algs := []string{"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256", "ecdsa-sha2-nistp256"}
	got := preferKnown(algs, []*knownhosts.Entry{{Key: rsaPub}})
	want := "rsa-sha2-512,rsa-sha2-256,ssh-ed25519-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256"
	if strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	if got := preferKnown(algs, nil); strings.Join(got, ",") != strings.Join(algs, ",") {
		t.Errorf("nothing known: %v", got)
	}
}

func FuzzParseEscapeChar(f *testing.F) {
	for _, s := range []string{"~", "none", "^]", "^a", "^", "^^", "ab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ch, err := ParseEscapeChar(s)
		if err != nil {
			return
		}
		if ch != EscapeNone && (ch < 0 || ch > 255) {
			t.Fatalf("%q gave %d", s, ch)
		}
		if ch != EscapeNone && len(s) == 2 && ch >= 0x20 {
			t.Fatalf("%q: a ^X form gave the printable %q", s, rune(ch))
		}
	})
}

func TestEscapeCommandLine(t *testing.T) {
	var got []string
	var shown bytes.Buffer
	f := &escapeFilter{c: &Client{}, ch: '~', lineHead: true, w: &shown,
		command: func(l string) string { got = append(got, l); return "done" }}
	sent := string(f.filter([]byte("ls\r~C-L 1:h:2\x7f3\rpwd\r~Cabc\x03~?")))
	if sent != "ls\rpwd\r" {
		t.Errorf("sent %q", sent)
	}
	if len(got) != 1 || got[0] != "-L 1:h:3" {
		t.Errorf("commands %q", got)
	}
	if !strings.Contains(shown.String(), "ssh> ") || !strings.Contains(shown.String(), "done\r\n") ||
		!strings.Contains(shown.String(), "Supported escape sequences:") {
		t.Errorf("shown %q", shown.String())
	}

	// Without EnableEscapeCommandline, ~C says so and takes nothing.
	got, shown = nil, bytes.Buffer{}
	f = &escapeFilter{c: &Client{}, ch: '~', lineHead: true, w: &shown, cmdlineOff: true,
		command: func(l string) string { got = append(got, l); return "done" }}
	sent = string(f.filter([]byte("ls\r~C-L 1:h:2\r")))
	if sent != "ls\r-L 1:h:2\r" || len(got) != 0 || !strings.Contains(shown.String(), "commandline disabled\r\n") {
		t.Errorf("disabled: sent %q, commands %q, shown %q", sent, got, shown.String())
	}
}
