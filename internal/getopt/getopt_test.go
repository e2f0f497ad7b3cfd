package getopt

import (
	"fmt"
	"strings"
	"testing"
)

func show(opts []Option, rest []string) string {
	var b strings.Builder
	for _, o := range opts {
		fmt.Fprintf(&b, "[%s=%s]", o.Name, o.Arg)
	}
	return b.String() + "|" + strings.Join(rest, " ")
}

func TestParse(t *testing.T) {
	const short = "1246ab:c:vp:"
	for in, want := range map[string]string{
		"":                    "|",
		"-vvv host":           "[v=][v=][v=]|host",
		"-p2222 h":            "[p=2222]|h",
		"-p 2222 h":           "[p=2222]|h",
		"-vp2222 h":           "[v=][p=2222]|h",
		"-vp 2222 h":          "[v=][p=2222]|h",
		"-p -v h":             "[p=-v]|h",
		"-b -- h":             "[b=--]|h",
		"-v -- -p x":          "[v=]|-p x",
		"h -v":                "|h -v",
		"- -v":                "|- -v",
		"-46 -c aes128-ctr x": "[4=][6=][c=aes128-ctr]|x",
	} {
		opts, rest, err := Parse(short, strings.Fields(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := show(opts, rest); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	for in, want := range map[string]string{
		"-z":     "unknown option -- z",
		"-vz":    "unknown option -- z",
		"--help": "unknown option -- -",
		"-v -p":  "option requires an argument -- p",
		"-vb":    "option requires an argument -- b",
		"-:":     "unknown option -- :",
	} {
		_, _, err := Parse("vb:p:", strings.Fields(in))
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestLongPermute(t *testing.T) {
	p := Parser{Short: "f:p:H", Long: []string{"hash", "add", "file="}, Permute: true}
	for in, want := range map[string]string{
		"find host -f file":       "[f=file]|find host",
		"scan h1 -p2222 --add h2": "[p=2222][add=]|scan h1 h2",
		"add h - --hash":          "[hash=]|add h -",
		"--file=x list":           "[file=x]|list",
		"--file x list":           "[file=x]|list",
		"remove -- -odd":          "|remove -odd",
	} {
		opts, rest, err := p.Parse(strings.Fields(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := show(opts, rest); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"--nope":      "unrecognized option '--nope'",
		"--hash=1":    "unrecognized option '--hash'",
		"list --file": "option '--file' requires an argument",
	} {
		_, _, err := p.Parse(strings.Fields(in))
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// FuzzParse checks that whatever the command line, Parse neither panics
// nor changes its reading when the result is written back one option per
// word.
func FuzzParse(f *testing.F) {
	f.Add("1246ab:c:", "-vvv\x00host\x00ls\x00-l")
	f.Add("p:v", "-p2222\x00-v\x00--\x00-x")
	f.Add("f:", "--file=x\x00list\x00-f")
	f.Add("a:", "-a")
	f.Fuzz(func(t *testing.T, short, argv string) {
		args := strings.Split(argv, "\x00")
		for _, permute := range []bool{false, true} {
			p := Parser{Short: short, Long: []string{"file=", "hash"}, Permute: permute}
			opts, rest, err := p.Parse(args)
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error of type %T", err)
				}
				continue
			}
			// Written back one option a word, the line reads the same.
			var again []string
			for _, o := range opts {
				if len(o.Name) > 1 {
					again = append(again, "--"+o.Name+"="+o.Arg)
					if known, takes := p.long(o.Name); !known || !takes {
						again[len(again)-1] = "--" + o.Name
					}
					continue
				}
				again = append(again, "-"+o.Name)
				if _, takes := p.takes(o.Name[0]); takes {
					again = append(again, o.Arg)
				}
			}
			again = append(append(again, "--"), rest...)
			opts2, rest2, err := p.Parse(again)
			if err != nil || show(opts2, rest2) != show(opts, rest) {
				t.Fatalf("%q -> %s; %q -> %s, %v", args, show(opts, rest), again, show(opts2, rest2), err)
			}
		}
	})
}

// TestErrorKeepsEarlier: the options before a bad one come back with the
// error, for programs that act on each before getopt reaches the next.
func TestErrorKeepsEarlier(t *testing.T) {
	opts, _, err := Parse("vb:p:", []string{"-vb", "x", "-vz"})
	if err == nil || len(opts) != 3 || opts[1].Name != "b" || opts[1].Arg != "x" || opts[2].Name != "v" {
		t.Errorf("%v %+v", err, opts)
	}
}
