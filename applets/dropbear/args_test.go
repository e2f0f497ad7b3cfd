package dropbear

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sshbox/applets/sshd"
)

func TestServerArgsTranslation(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	got, code := serverArgs([]string{"-RFE", "-p2222", "-p", "127.0.0.1:22", "-w", "-s", "-jk", "-T3", "-K", "300", "-c", "echo hi", "-r", key})
	if got == nil {
		t.Fatalf("refused, code %d", code)
	}
	line := strings.Join(got, " ")
	for _, want := range []string{"-f /dev/null", "-D", "-e", "-o ListenAddress=127.0.0.1:22", "-o ListenAddress=0.0.0.0:2222",
		"-o ListenAddress=[::]:2222", "-o PermitRootLogin=no", "-o PasswordAuthentication=no", "-o AllowTcpForwarding=no",
		"-o MaxAuthTries=3", "-o ClientAliveInterval=300", "-h " + key, "-o PidFile=/var/run/dropbear.pid",
		"-o MaxStartups=30", "-o PerSourceMaxStartups=5", "-o PerSourcePenalties=no"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	if !slices.Contains(got, "ForceCommand=echo hi") {
		t.Errorf("-c lost its spaces: %q", got)
	}
}

func TestClientArgsTranslation(t *testing.T) {
	got, x, _ := clientArgs([]string{"-y", "-i", "k", "a@jump/2200,b@[::1]/22", "-p", "9", "ls", "-l"})
	// -p after the host is still an option, as in dbclient.
	want := []string{"ssh", "-C", "-i", "k", "-p", "9", "-o", "StrictHostKeyChecking=accept-new", "-J", "a@jump:2200", "-p", "22", "--", "b@[::1]", "ls", "-l"}
	if !slices.Equal(got, want) || x.IdleTimeout != 0 {
		t.Errorf("got  %q %+v\nwant %q", got, x, want)
	}
	// -z: no IP QoS marking; -W: each channel's window, beside ssh's
	// command line, which has no option for it.
	got, x, _ = clientArgs([]string{"-z", "-W", "65536", "h"})
	if want := []string{"ssh", "-C", "-o", "IPQoS=none", "--", "h"}; !slices.Equal(got, want) || x.ChannelWindow != 65536 {
		t.Errorf("-z -W: got %q %+v, want %q and a window of 65536", got, x, want)
	}
	// -I: an idle timeout beside ssh's command line, which has none.
	got, x, _ = clientArgs([]string{"-I", "30", "h", "sleep", "60"})
	if want := []string{"ssh", "-C", "--", "h", "sleep", "60"}; !slices.Equal(got, want) || x.IdleTimeout != 30*time.Second {
		t.Errorf("-I 30: got %q %+v, want %q and 30s", got, x, want)
	}
	for _, bad := range []string{"abc", "-1", "4294967296"} {
		if got, _, code := clientArgs([]string{"-I", bad, "h"}); got != nil || code != 1 {
			t.Errorf("-I %s: %q, status %d; want a refusal", bad, got, code)
		}
	}
}

// TestServerIdleTimeout: dropbear -I reaches sshd as its leading
// --idle-timeout (no sshd_config keyword); -I 0 adds nothing, and a value
// Dropbear refuses is refused.
func TestServerIdleTimeout(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	got, _ := serverArgs([]string{"-I", "60", "-K", "5", "-r", key})
	if len(got) < 2 || got[0] != "sshd" || got[1] != sshd.IdleTimeoutArg+"60" {
		t.Errorf("-I 60: %q", got)
	}
	got, _ = serverArgs([]string{"-I0", "-r", key})
	if strings.Contains(strings.Join(got, " "), "idle") {
		t.Errorf("-I 0: %q", got)
	}
	for _, bad := range []string{"abc", "-5", "99999999999"} {
		if got, code := serverArgs([]string{"-I", bad, "-r", key}); got != nil || code != 1 {
			t.Errorf("-I %s: %q, status %d; want a refusal", bad, got, code)
		}
	}
}

func TestGetoptErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-x"}, "Unknown argument -x"},
		{[]string{"-p"}, "Missing argument for -p"},
		{[]string{"extra"}, "Invalid argument extra"},
	} {
		_, _, err := getopt(c.args, serverSpec, false)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %q", c.args, err, c.want)
		}
	}
}

// TestServerRootKeys: every dropbear command line hands sshd OpenWrt's
// file of root's keys, after the idle timeout when there is one.
func TestServerRootKeys(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	got, _ := serverArgs([]string{"-r", key})
	if len(got) < 2 || got[1] != sshd.RootKeysArg+"/etc/dropbear/authorized_keys" {
		t.Errorf("no -I: %q", got)
	}
	got, _ = serverArgs([]string{"-I", "9", "-r", key})
	if len(got) < 3 || got[1] != sshd.IdleTimeoutArg+"9" || got[2] != sshd.RootKeysArg+"/etc/dropbear/authorized_keys" {
		t.Errorf("-I 9: %q", got)
	}
}

// TestServerPassEnv: -e is sshd's leading --pass-environment, and sshd's
// own -e (log to standard error) is not it.
func TestServerPassEnv(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	got, _ := serverArgs([]string{"-e", "-r", key})
	if !slices.Contains(got, sshd.PassEnvArg) || slices.Contains(got, "-e") {
		t.Errorf("-e: %q", got)
	}
	got, _ = serverArgs([]string{"-E", "-r", key})
	if slices.Contains(got, sshd.PassEnvArg) || !slices.Contains(got, "-e") {
		t.Errorf("-E: %q", got)
	}
}

// TestServerIPQoS: Dropbear's marking (AF21 for a terminal session, the
// rest left at 0) unless -z, which marks nothing.
func TestServerIPQoS(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-r", key}, "IPQoS=af21 cs0"},
		{[]string{"-z", "-r", key}, "IPQoS=none"},
	} {
		got, _ := serverArgs(c.args)
		if !slices.Contains(got, c.want) {
			t.Errorf("%q: %q, want -o %q", c.args, got, c.want)
		}
	}
}

// TestServerRootLogin: root may log in by any method, as with Dropbear,
// unless -w (not at all) or -g (not with a password) says otherwise;
// OpenSSH's prohibit-password default would lock a router's root out.
func TestServerRootLogin(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	for flag, want := range map[string]string{"": "PermitRootLogin=yes", "-w": "PermitRootLogin=no", "-g": "PermitRootLogin=prohibit-password", "-wg": "PermitRootLogin=no"} {
		args := []string{"-F", "-r", key}
		if flag != "" {
			args = append(args, flag)
		}
		got, code := serverArgs(args)
		if got == nil {
			t.Fatalf("%s refused, code %d", flag, code)
		}
		n := 0
		for _, a := range got {
			if strings.HasPrefix(a, "PermitRootLogin=") {
				n++
				if a != want {
					t.Errorf("%q: %s, want %s", flag, a, want)
				}
			}
		}
		if n != 1 {
			t.Errorf("%q: %d PermitRootLogin options in %q", flag, n, got)
		}
	}
}

// TestRecvWindow: dropbear -W reaches sshd as its --receive-window, and
// dbclient's as ssh's ChannelWindow; a -W Dropbear would not take is
// warned about and the default kept, the rest going on, as with Dropbear.
func TestRecvWindow(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	for _, c := range []struct {
		w    string
		want uint32
	}{{"abc", 0}, {"-1", 0}, {"0", 0}, {"99999999", 0}, {"65536", 65536}, {"24576", 24576}, {"10485760", 10485760}} {
		got, code := serverArgs([]string{"-F", "-r", key, "-W", c.w})
		if got == nil {
			t.Errorf("dropbear -W %s refused, status %d", c.w, code)
		}
		arg := sshd.RecvWindowArg + fmt.Sprint(c.want)
		if has := slices.Contains(got, arg); has != (c.want > 0) || c.want == 0 && strings.Contains(strings.Join(got, " "), sshd.RecvWindowArg) {
			t.Errorf("dropbear -W %s: %q", c.w, got)
		}
		cgot, x, code := clientArgs([]string{"-W", c.w, "h"})
		if cgot == nil || x.ChannelWindow != c.want {
			t.Errorf("dbclient -W %s: %q %+v, status %d; want a window of %d", c.w, cgot, x, code, c.want)
		}
	}
}
