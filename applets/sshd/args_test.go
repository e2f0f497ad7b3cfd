package sshd

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestParseFlagsAttached: every flag that takes a value reads it attached
// (-p4242) and as the next word (-p 4242) alike, as OpenSSH's getopt does.
func TestParseFlagsAttached(t *testing.T) {
	for _, c := range []struct {
		flag, val string
		check     func(f flags) bool
	}{
		{"f", "/etc/x", func(f flags) bool { return f.configFile == "/etc/x" && f.configGiven }},
		{"E", "/var/log/x", func(f flags) bool { return f.logFile == "/var/log/x" }},
		{"p", "4242", func(f flags) bool { return reflect.DeepEqual(f.ports, []int{4242}) }},
		{"h", "/k", func(f flags) bool { return reflect.DeepEqual(f.options, []string{"HostKey=/k"}) }},
		{"c", "/k-cert.pub", func(f flags) bool { return reflect.DeepEqual(f.options, []string{"HostCertificate=/k-cert.pub"}) }},
		{"g", "30", func(f flags) bool { return reflect.DeepEqual(f.options, []string{"LoginGraceTime=30"}) }},
		{"o", "Port=2", func(f flags) bool { return reflect.DeepEqual(f.options, []string{"Port=2"}) }},
		{"C", "user=u,addr=1.2.3.4", func(f flags) bool { return f.connSpec == "user=u,addr=1.2.3.4" }},
		{"b", "1024", func(f flags) bool { return len(f.options) == 0 }},
		{"k", "3600", func(f flags) bool { return len(f.options) == 0 }},
		{"u", "0", func(f flags) bool { return len(f.options) == 0 }},
	} {
		for _, argv := range [][]string{{"-" + c.flag + c.val, "-t"}, {"-" + c.flag, c.val, "-t"}, {"-t" + c.flag, c.val}} {
			f, _, err := parseFlags(argv)
			if err != nil || !f.test || !c.check(f) {
				t.Errorf("sshd %q: %+v %v", argv, f, err)
			}
		}
	}
}

func TestParseFlagsCombined(t *testing.T) {
	f, v, err := parseFlags([]string{"-ddDe4", "-C", "user=a", "-Caddr=::1", "-Tq"})
	if err != nil || v || f.debug != 2 || !f.foreground || !f.stderr || !f.testDump || !f.quiet ||
		f.connSpec != "user=a,addr=::1" || !reflect.DeepEqual(f.options, []string{"AddressFamily=inet"}) {
		t.Fatalf("%+v %v %v", f, v, err)
	}
	for argv, want := range map[string][]string{
		"option requires an argument -- p": {"-t", "-p"},
		"unknown option -- x":              {"-tx"},
		"Extra argument extra.":            {"-t", "extra"},
		"Bad port number.":                 {"-p0"},
	} {
		if _, _, err := parseFlags(want); err == nil || err.Error() != argv {
			t.Errorf("sshd %q: %v, want %q", want, err, argv)
		}
	}
}

// TestIdleTimeoutArg: the dropbear applet's -I reaches sshd as a leading
// --idle-timeout=SECONDS, which stays in front when sshd detaches; it is
// no option anywhere else, as OpenSSH's sshd has no long options.
func TestIdleTimeoutArg(t *testing.T) {
	f, _, err := parseFlags([]string{IdleTimeoutArg + "30", "-t", "-p", "22"})
	if err != nil || f.idleTimeout != 30*time.Second || !f.test || !reflect.DeepEqual(f.ports, []int{22}) {
		t.Errorf("leading %s30: %+v %v", IdleTimeoutArg, f, err)
	}
	if _, _, err := parseFlags([]string{IdleTimeoutArg + "x", "-t"}); err == nil || !strings.Contains(err.Error(), "bad idle timeout") {
		t.Errorf("%sx: %v", IdleTimeoutArg, err)
	}
	if _, _, err := parseFlags([]string{"-t", IdleTimeoutArg + "30"}); err == nil || err.Error() != "unknown option -- -" {
		t.Errorf("%s30 after an option: %v, want OpenSSH's refusal of a long option", IdleTimeoutArg, err)
	}
	got := foregroundArgs([]string{IdleTimeoutArg + "30", "-f", "/dev/null", "--"})
	if want := []string{"sshd", IdleTimeoutArg + "30", "-D", "-f", "/dev/null", "--"}; !reflect.DeepEqual(got, want) {
		t.Errorf("detached command line %q, want %q", got, want)
	}
	if f, _, err := parseFlags(got[1:]); err != nil || f.idleTimeout != 30*time.Second || !f.foreground {
		t.Errorf("the detached sshd reads %q as %+v %v", got, f, err)
	}
}

// TestRootKeysArg: the dropbear applet's root key file reaches sshd as a
// leading --root-authorized-keys=FILE, beside --idle-timeout= in either
// order, and stays in front when sshd detaches; only an absolute path.
func TestRootKeysArg(t *testing.T) {
	args := []string{RootKeysArg + "/etc/dropbear/authorized_keys", IdleTimeoutArg + "5", "-t"}
	f, _, err := parseFlags(args)
	if err != nil || f.rootKeys != "/etc/dropbear/authorized_keys" || f.idleTimeout != 5*time.Second || !f.test {
		t.Errorf("%q: %+v %v", args, f, err)
	}
	if _, _, err := parseFlags([]string{RootKeysArg + "keys", "-t"}); err == nil || !strings.Contains(err.Error(), "not an absolute path") {
		t.Errorf("relative %s: %v", RootKeysArg, err)
	}
	if _, _, err := parseFlags([]string{"-t", RootKeysArg + "/k"}); err == nil || err.Error() != "unknown option -- -" {
		t.Errorf("%s after an option: %v", RootKeysArg, err)
	}
	got := foregroundArgs(args)
	if want := []string{"sshd", args[0], args[1], "-D", "-t"}; !reflect.DeepEqual(got, want) {
		t.Errorf("detached command line %q, want %q", got, want)
	}
}

// TestPassEnvArg: dropbear -e reaches sshd as a leading
// --pass-environment, which takes no value.
func TestPassEnvArg(t *testing.T) {
	f, _, err := parseFlags([]string{RootKeysArg + "/k", PassEnvArg, "-t"})
	if err != nil || !f.passEnv || f.rootKeys != "/k" || !f.test {
		t.Errorf("%s: %+v %v", PassEnvArg, f, err)
	}
	if f, _, err := parseFlags([]string{"-t"}); err != nil || f.passEnv {
		t.Errorf("without %s: %+v %v", PassEnvArg, f, err)
	}
	if _, _, err := parseFlags([]string{PassEnvArg + "=yes", "-t"}); err == nil || !strings.Contains(err.Error(), "unknown argument") {
		t.Errorf("%s=yes: %v", PassEnvArg, err)
	}
}

// TestRecvWindowArg: the dropbear applet's -W reaches sshd as a leading
// --receive-window=BYTES; a value that is no window is refused.
func TestRecvWindowArg(t *testing.T) {
	f, _, err := parseFlags([]string{RecvWindowArg + "24576", "-t"})
	if err != nil || f.recvWindow != 24576 || !f.test {
		t.Errorf("leading %s24576: %+v %v", RecvWindowArg, f, err)
	}
	for _, bad := range []string{"x", "0", "-1", "4294967296"} {
		if _, _, err := parseFlags([]string{RecvWindowArg + bad, "-t"}); err == nil {
			t.Errorf("%s%s: accepted", RecvWindowArg, bad)
		}
	}
}
