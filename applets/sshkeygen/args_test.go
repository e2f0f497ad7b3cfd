package sshkeygen

import (
	"reflect"
	"strings"
	"testing"
)

// TestParseAttached: every flag that takes a value reads it attached
// (-fkey) and as the next word (-f key) alike, combined after other flags
// too (-lf key), as OpenSSH's getopt does.
func TestParseAttached(t *testing.T) {
	for _, c := range []struct {
		flag, val string
		check     func(o *opts) bool
	}{
		{"b", "4096", func(o *opts) bool { return o.bits == 4096 }},
		{"C", "a comment", func(o *opts) bool { return o.comment == "a comment" && o.hasComment }},
		{"E", "md5", func(o *opts) bool { return o.hashAlg == "md5" }},
		{"F", "host", func(o *opts) bool { return o.find && o.host == "host" }},
		{"f", "/tmp/key", func(o *opts) bool { return o.file == "/tmp/key" && o.hasFile }},
		{"I", "id", func(o *opts) bool { return o.keyID == "id" }},
		{"m", "PEM", func(o *opts) bool { return o.format == "PEM" }},
		{"N", "secret", func(o *opts) bool { return o.newPass == "secret" && o.hasNewPass }},
		{"n", "a,b", func(o *opts) bool { return o.principals == "a,b" }},
		{"O", "force-command=a=b", func(o *opts) bool { return reflect.DeepEqual(o.options, []string{"force-command=a=b"}) }},
		{"P", "old", func(o *opts) bool { return o.oldPass == "old" && o.hasOldPass }},
		{"R", "[h]:2", func(o *opts) bool { return o.remove && o.host == "[h]:2" }},
		{"s", "ca", func(o *opts) bool { return o.sign && o.caKey == "ca" }},
		{"t", "ssh-ed25519", func(o *opts) bool { return o.keyType == "ssh-ed25519" }},
		{"V", "-1d:+1h", func(o *opts) bool { return o.validity == "-1d:+1h" }},
		{"z", "42", func(o *opts) bool { return o.serial == 42 && o.hasSerial }},
	} {
		for _, argv := range [][]string{{"-" + c.flag + c.val}, {"-" + c.flag, c.val}, {"-q" + c.flag, c.val}} {
			o := &opts{}
			if err := o.parse(append(argv, "operand")); err != nil || !c.check(o) || !reflect.DeepEqual(o.args, []string{"operand"}) {
				t.Errorf("ssh-keygen %q: %+v %v", argv, o, err)
			}
		}
	}
}

func TestParseFlags(t *testing.T) {
	o := &opts{}
	if err := o.parse([]string{"-lvvf", "key", "--", "-odd.pub"}); err != nil || !o.list || o.verbose != 2 ||
		o.file != "key" || o.hashAlg != "sha256" || !reflect.DeepEqual(o.args, []string{"-odd.pub"}) {
		t.Fatalf("%+v %v", o, err)
	}
	o = &opts{}
	if err := o.parse([]string{"-qN", "", "-t", "ed25519"}); err != nil || !o.quiet || !o.hasNewPass || o.newPass != "" {
		t.Fatalf("%+v %v", o, err)
	}
	for _, bad := range []string{"-Z", "-f", "-l:", "-lf", "-b x"} {
		if err := (&opts{}).parse(strings.Fields(bad)); err == nil {
			t.Errorf("ssh-keygen %s accepted", bad)
		}
	}
}

// TestParsePKCS11: -D (a PKCS#11 library) is refused in one line, before
// anything is read or written.
func TestParsePKCS11(t *testing.T) {
	for _, argv := range [][]string{{"-D", "/usr/lib/opensc-pkcs11.so"}, {"-D/usr/lib/opensc-pkcs11.so", "-e"}} {
		err := (&opts{}).parse(argv)
		if err == nil || err.Error() != msgNoPKCS11 {
			t.Errorf("%q: %v", argv, err)
		}
	}
}

func TestParseSSHFP(t *testing.T) {
	for _, argv := range [][]string{{"-rhost", "-g"}, {"-r", "host", "-g"}, {"-gr", "host"}} {
		o := &opts{}
		if err := o.parse(argv); err != nil || !o.sshfp || o.sshfpHost != "host" || !o.generic {
			t.Errorf("%q: %+v %v", argv, o, err)
		}
	}
}
