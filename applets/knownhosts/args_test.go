package knownhosts

import (
	"reflect"
	"strings"
	"testing"
)

// TestParse: options before or after the subcommand and its operands,
// values attached or separate, "--" before an operand that starts with
// '-'.
func TestParse(t *testing.T) {
	for in, want := range map[string]call{
		"find host -f file":                {name: "find", args: []string{"host"}, port: 22, timeout: 5},
		"-ffile list":                      {name: "list", port: 22, timeout: 5},
		"--file=file list":                 {name: "list", port: 22, timeout: 5},
		"scan h1 -p 2222 --add h2 -T9":     {name: "scan", args: []string{"h1", "h2"}, port: 2222, timeout: 9, add: true},
		"scan -p2222 -t ed25519 -T 9 -H h": {name: "scan", args: []string{"h"}, port: 2222, timeout: 9, types: "ed25519", hash: true},
		"scan -ted25519,rsa h":             {name: "scan", args: []string{"h"}, port: 22, timeout: 5, types: "ed25519,rsa"},
		"add [h]:2 - --hash":               {name: "add", args: []string{"[h]:2", "-"}, port: 22, timeout: 5, hash: true},
		"remove -- -odd":                   {name: "remove", args: []string{"-odd"}, port: 22, timeout: 5},
	} {
		a := &app{}
		c, err := a.parse(strings.Fields(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		c.cmd = nil
		if !reflect.DeepEqual(*c, want) {
			t.Errorf("%q: %+v, want %+v", in, *c, want)
		}
		if strings.Contains(in, "file") && a.file != "file" {
			t.Errorf("%q: file %q", in, a.file)
		}
	}
	for in, want := range map[string]string{
		"list -p 22":   "unknown option -- p",
		"find --add h": "unrecognized option '--add'",
		"scan -p":      "option requires an argument -- p",
		"scan -p x h":  `bad port "x"`,
		"list --nope":  "unrecognized option '--nope'",
	} {
		if _, err := (&app{}).parse(strings.Fields(in)); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
