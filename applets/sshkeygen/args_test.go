package sshkeygen

import (
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	cases := map[string]string{
		"-lvf key":               "-l -v -f=key --",
		"-qN  -t ed25519":        "-q -N= -t=ed25519 --",
		"-fkey -E md5 -l":        "-f=key -E=md5 -l --",
		"-s ca -I id -h k.pub":   "-s=ca -I=id -" + hostCertFlag + " -- k.pub",
		"-V -1d:+1h -- -odd.pub": "-V=-1d:+1h -- -odd.pub",
		"-O force-command=a=b":   "-O=force-command=a=b --",
	}
	for in, want := range cases {
		args := strings.Split(in, " ")
		if in == "-qN  -t ed25519" {
			args = []string{"-qN", "", "-t", "ed25519"}
		}
		got, err := expand(args)
		if err != nil || strings.Join(got, " ") != want {
			t.Errorf("expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range [][]string{{"-Z"}, {"-f"}, {"-l:"}, {"-lf"}} {
		if _, err := expand(bad); err == nil {
			t.Errorf("expand(%q) accepted", bad)
		}
	}
}

func FuzzExpand(f *testing.F) {
	f.Add("-lvf\x00key\x00-E\x00md5")
	f.Add("-s\x00ca\x00-I\x00id\x00-h\x00k.pub")
	f.Add("--\x00-x")
	f.Fuzz(func(t *testing.T, argv string) {
		out, err := expand(strings.Split(argv, "\x00"))
		if err != nil {
			return
		}
		seen := false
		for _, a := range out {
			if a == "--" {
				seen = true
			}
		}
		if !seen {
			t.Fatalf("no -- in %q", out)
		}
	})
}
