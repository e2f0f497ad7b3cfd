package ssh

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	cases := []struct {
		in              string
		opts, dest, cmd string
	}{
		{"host", "", "host", ""},
		{"-vvv host", "-v -v -v", "host", ""},
		{"-NT -p2222 u@h", "-N -T -p 2222", "u@h", ""},
		{"host -p 2222 ls -l", "-p 2222", "host", "ls -l"},
		{"-tt host -- -x", "-t -t", "host", "-x"},
		{"-o Port=1 -ik host echo a b", "-o Port=1 -i k", "host", "echo a b"},
		{"-Q cipher", "-Q cipher", "", ""},
		{"host ls -p 2", "", "host", "ls -p 2"},
	}
	for _, c := range cases {
		opts, dest, cmd, err := splitArgs(strings.Fields(c.in))
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got := strings.Join(opts, " "); got != c.opts {
			t.Errorf("%q: options %q, want %q", c.in, got, c.opts)
		}
		if dest != c.dest {
			t.Errorf("%q: destination %q, want %q", c.in, dest, c.dest)
		}
		if got := strings.Join(cmd, " "); got != c.cmd {
			t.Errorf("%q: command %q, want %q", c.in, got, c.cmd)
		}
	}
}

func TestSplitArgsErrors(t *testing.T) {
	for in, want := range map[string]string{
		"-z host":  "unknown option -- z",
		"host -p":  "option requires an argument -- p",
		"-vZ host": "unknown option -- Z",
	} {
		_, _, _, err := splitArgs(strings.Fields(in))
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func FuzzSplitArgs(f *testing.F) {
	f.Add("-vvv\x00host\x00ls\x00-l")
	f.Add("-p\x002222\x00u@h\x00-NT")
	f.Add("-o\x00Port=1\x00--\x00host")
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		opts, dest, cmd, err := splitArgs(args)
		if err != nil {
			return
		}
		// Nothing is lost: every word is an option, the destination or
		// part of the command (separators aside).
		n := len(opts) + len(cmd)
		if dest != "" {
			n++
		}
		if n == 0 && len(args) > 0 && args[0] != "" && args[0] != "--" && !strings.HasPrefix(args[0], "-") {
			t.Fatalf("%q: lost the destination", args)
		}
		if len(cmd) > 0 && !reflect.DeepEqual(cmd, args[len(args)-len(cmd):]) {
			t.Fatalf("%q: command %q is not the tail of argv", args, cmd)
		}
	})
}

func TestForwardLine(t *testing.T) {
	for in, want := range map[string]string{
		"8080:localhost:80":          "8080 localhost:80",
		"*:8080:h:80":                "*:8080 h:80",
		"[::1]:8080:[fe80::1]:443":   "[::1]:8080 [fe80::1]:443",
		"127.0.0.1:1:10.0.0.1:65535": "127.0.0.1:1 10.0.0.1:65535",
	} {
		if got, err := forwardLine(in, false); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"8080", "a:b", "1:2:3:4:5"} {
		if _, err := forwardLine(bad, false); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzForwardLine(f *testing.F) {
	f.Add("8080:localhost:80")
	f.Add("[::1]:1:[::2]:2")
	f.Fuzz(func(t *testing.T, s string) {
		line, err := forwardLine(s, false)
		if err != nil {
			return
		}
		if strings.Count(line, " ") < 1 {
			t.Fatalf("%q became %q", s, line)
		}
	})
}

// TestFirstUser: the first user named in argument order wins, as in
// OpenSSH's ssh (compared with it by e2e's TestSSHUserPrecedence).
func TestFirstUser(t *testing.T) {
	for in, want := range map[string]string{
		"-l a b@h":                 "a",
		"-o -l b@h -l a":           "b",
		"b@h -l a":                 "b",
		"-vl a -p 1 b@h":           "a",
		"-p 2 b@h ls -l":           "b",
		"baz@h -o User=foo -l x":   "baz",
		"-o User=foo -l bar baz@h": "foo (-o)",
		"-ouser=x h":               "x (-o)",
		"h -l bar -o User=foo":     "bar",
		"h":                        "",
	} {
		opts, before, dest, _, err := splitArgsAt(strings.Fields(in))
		if err != nil {
			t.Fatal(err)
		}
		destUser, _, _ := strings.Cut(dest, "@")
		if !strings.Contains(dest, "@") {
			destUser = ""
		}
		u, fromOption := firstUser(opts, before, destUser)
		if fromOption {
			u += " (-o)"
		}
		if u != want {
			t.Errorf("%q: %q, want %q", in, u, want)
		}
	}
}

// TestX11Flags: -X, -x and -Y in argument order, as OpenSSH's ssh.c.
func TestX11Flags(t *testing.T) {
	for in, want := range map[string]string{
		"":          "",
		"-X":        "ForwardX11 yes",
		"-Y":        "ForwardX11 yes|ForwardX11Trusted yes",
		"-X -x":     "ForwardX11 no",
		"-x -X":     "ForwardX11 yes",
		"-Y -x":     "ForwardX11 no|ForwardX11Trusted yes",
		"-v -X -p1": "ForwardX11 yes",
	} {
		if got := strings.Join(x11Lines(strings.Fields(in)), "|"); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// TestTunnelLines: -w as OpenSSH's getopt loop applies it.
func TestTunnelLines(t *testing.T) {
	for _, c := range []struct {
		opts []string
		want string
	}{
		{nil, ""},
		{[]string{"-w", "1"}, "TunnelDevice 1|Tunnel yes"},
		{[]string{"-w", "1", "-w", "2:3"}, "TunnelDevice 2:3|Tunnel yes"},
		{[]string{"-o", "Tunnel=ethernet", "-w", "1"}, "TunnelDevice 1"},
		{[]string{"-w", "1", "-o", "Tunnel ethernet"}, "TunnelDevice 1|Tunnel yes"},
		{[]string{"-o", "TunnelDevice=4", "-w", "1"}, "TunnelDevice 1|Tunnel yes"},
		{[]string{"-l", "-w", "-N"}, ""},
	} {
		if got := strings.Join(tunnelLines(c.opts), "|"); got != c.want {
			t.Errorf("%q: %q, want %q", c.opts, got, c.want)
		}
	}
}
