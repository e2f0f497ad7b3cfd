package knownhosts

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func FuzzParseLine(f *testing.F) {
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJn+Y82NR/Nx+GxhPRHCCdfaqHS5GDhXUIO7w6WhhQQy"
	for _, s := range []string{
		"host1,10.0.0.1 " + key + " comment",
		"[host]:2222 " + key,
		"|1|XICpAMfcY0rvzC99wEmm1+SX+F4=|nP8A3pMO/WfA+rTpaQf9Si12M34= " + key,
		"@cert-authority *.example.com " + key,
		"@revoked * " + key,
		"*.w?ld,!bad.wild " + key,
		"# comment", "", "@bogus h " + key, "|1|x|y " + key,
	} {
		f.Add(s, "host1")
	}
	f.Fuzz(func(t *testing.T, line, name string) {
		e, err := ParseLine(line)
		if err != nil || e == nil {
			return
		}
		_ = e.Matches(name)
		// The rendered line parses back to the same entry.
		e2, err := ParseLine(e.String())
		if err != nil || e2 == nil || e2.Hosts != e.Hosts || e2.Marker != e.Marker ||
			string(e2.Key.Marshal()) != string(e.Key.Marshal()) {
			t.Fatalf("round trip of %q: %v", e.String(), err)
		}
		out, _ := HashLine(Line{Text: line, Entry: e})
		for _, h := range out {
			if _, err := ParseLine(h); err != nil {
				t.Fatalf("hashed line %q: %v", h, err)
			}
		}
	})
}

func FuzzSSH2FileName(f *testing.F) {
	f.Add("key_22_host.example.pub")
	f.Add("key_2222_node_072x.pub")
	f.Add("key_22_a_1.pub")
	f.Fuzz(func(t *testing.T, name string) {
		host, port, err := ParseSSH2FileName(name)
		if err != nil {
			return
		}
		again := SSH2FileName(host, port)
		h2, p2, err := ParseSSH2FileName(again)
		if err != nil || h2 != strings.ToLower(host) || p2 != port {
			t.Fatalf("%q -> %q,%d -> %q -> %q,%d (%v)", name, host, port, again, h2, p2, err)
		}
	})
}

func TestSSH2FileName(t *testing.T) {
	cases := map[string]struct {
		host string
		port int
	}{
		"key_22_host.example.pub":      {"Host.Example", 22},
		"key_2022_node_072x.pub":       {"node:x", 2022},
		"key_22_alpha_137vms.pub":      {"alpha_vms", 22},
		"key_22_fe80_072_072_0451.pub": {"fe80::%1", 22},
		"key_65535_a-b.c.pub":          {"a-b.c", 65535},
	}
	for want, c := range cases {
		if got := SSH2FileName(c.host, c.port); got != want {
			t.Errorf("SSH2FileName(%q,%d) = %q want %q", c.host, c.port, got, want)
		}
		h, p, err := ParseSSH2FileName(want)
		if err != nil || h != strings.ToLower(c.host) || p != c.port {
			t.Errorf("Parse(%q) = %q,%d,%v", want, h, p, err)
		}
	}
	for _, bad := range []string{"key_x_host.pub", "key_22_.pub", "key_22_a_07.pub", "key_22_a_999.pub", "host.pub", "key_0_a.pub"} {
		if _, _, err := ParseSSH2FileName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRemoveNameOnlyThatHostAndPort(t *testing.T) {
	k := authLine(newKey(t))
	p := writeFile(t,
		"a.example,b.example "+k,
		"[a.example]:2222 "+k,
		"*.example "+k,
		"@revoked a.example "+k,
		HashName("a.example")+" "+k,
		"A.EXAMPLE "+k,
	)
	lines, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	texts, changed := RemoveName(lines, "a.example")
	if len(changed) != 3 || changed[0] != 1 || changed[1] != 5 || changed[2] != 6 {
		t.Errorf("changed %v", changed)
	}
	want := []string{"b.example " + k, "[a.example]:2222 " + k, "*.example " + k, "@revoked a.example " + k}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s", strings.Join(texts, "\n"))
	}
}

// FuzzScanVersion: whatever a server sends first, the version line scan
// prints starts with "SSH-" and holds only printable ASCII.
func FuzzScanVersion(f *testing.F) {
	f.Add([]byte("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"))
	f.Add([]byte("banner line\r\nSSH-2.0-x\r\n"))
	f.Add([]byte("SSH-2.0-\x1b[2Jevil\x07\r\n"))
	f.Add([]byte("no version"))
	f.Fuzz(func(t *testing.T, head []byte) {
		v := versionLine(head)
		if v == "" {
			return
		}
		if !strings.HasPrefix(v, "SSH-") {
			t.Fatalf("%q", v)
		}
		for i := 0; i < len(v); i++ {
			if v[i] < 0x20 || v[i] >= 0x7f {
				t.Fatalf("unprintable byte in %q", v)
			}
		}
	})
}

// FuzzReadSSH2Dir reads an ssh2 host key directory held in memory: two
// files with fuzzed names and contents. Every key it returns has a file
// name that parses back to its host and port, under the directory.
func FuzzReadSSH2Dir(f *testing.F) {
	pub := "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"x\"\nAAAAC3NzaC1lZDI1NTE5AAAAIJn+Y82NR/Nx+GxhPRHCCdfaqHS5GDhXUIO7w6WhhQQy\n---- END SSH2 PUBLIC KEY ----\n"
	f.Add("key_22_host.example.pub", []byte(pub), "key_2222_node_072x.pub", []byte("garbage"))
	f.Add("key_22_a.pub", []byte(pub), "other", []byte(pub))
	f.Add("key_x_.pub", []byte{}, "key_22_.pub", []byte(pub))
	f.Fuzz(func(t *testing.T, n1 string, d1 []byte, n2 string, d2 []byte) {
		fsys := fstest.MapFS{}
		for _, e := range []struct {
			n string
			d []byte
		}{{n1, d1}, {n2, d2}} {
			if fs.ValidPath(e.n) && e.n != "." && !strings.Contains(e.n, "/") {
				fsys[e.n] = &fstest.MapFile{Data: e.d}
			}
		}
		keys, bad, err := readSSH2FS(fsys, "/d")
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			host, port, err := ParseSSH2FileName(filepath.Base(k.File))
			if err != nil || host != k.Host || port != k.Port || filepath.Dir(k.File) != "/d" || k.Key == nil {
				t.Fatalf("%+v: %v", k, err)
			}
		}
		for _, e := range bad {
			if strings.Contains(e.Error(), "\n") {
				t.Fatalf("error is not one line: %q", e)
			}
		}
	})
}
