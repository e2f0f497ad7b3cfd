package supervise

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

func TestWanted(t *testing.T) {
	for _, c := range []struct {
		invocation, link, sw string
		want                 bool
		err                  string
	}{
		{want: false},
		{invocation: "abc", want: true},
		{invocation: "abc", sw: "no", want: false},
		{invocation: "abc", sw: "NO", want: false},
		{sw: "yes", want: true},
		{sw: "Yes", want: true},
		{invocation: "abc", link: "4", want: false}, // already anchored
		{link: "4", sw: "yes", want: false},
		{sw: "1", err: `SSHBOX_ANCHOR="1": must be yes or no`},
	} {
		t.Setenv("INVOCATION_ID", c.invocation)
		t.Setenv(linkFDEnv, c.link)
		t.Setenv(SwitchEnv, c.sw)
		got, err := Wanted()
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%+v: error %v, want %q", c, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%+v: %v %v, want %v", c, got, err, c.want)
		}
	}
}

func TestServerEnv(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "/run/systemd/notify")
	t.Setenv("LISTEN_FDS", "2")
	t.Setenv("LISTEN_PID", "1")
	t.Setenv("LISTEN_FDNAMES", "a:b")
	t.Setenv(ListenFDsEnv, "2")
	t.Setenv("KEEP_ME", "x=y")
	env := strings.Join(serverEnv(2), "\n") + "\n"
	for _, gone := range []string{"NOTIFY_SOCKET=", "LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES="} {
		if strings.Contains(env, "\n"+gone) || strings.HasPrefix(env, gone) {
			t.Errorf("%s passed on to the server", gone)
		}
	}
	for _, want := range []string{"KEEP_ME=x=y\n", ListenFDsEnv + "=2\n", linkFDEnv + "=5\n",
		fmt.Sprintf("%s=%d\n", anchorPIDEnv, os.Getpid())} {
		if strings.Count(env, want) != 1 {
			t.Errorf("server environment lacks %q once:\n%s", want, env)
		}
	}
	if env := strings.Join(serverEnv(0), "\n"); strings.Contains(env, ListenFDsEnv) || !strings.Contains(env, linkFDEnv+"=3") {
		t.Errorf("no sockets: %s", env)
	}
}

func TestInheritedSockets(t *testing.T) {
	self := fmt.Sprint(os.Getpid())
	for _, c := range []struct {
		ours, fds, pid string
		n              int
		err            string
	}{
		{n: 0},
		{fds: "2", pid: self, n: 2},
		{fds: "2", n: 2},                       // no LISTEN_PID: ours
		{fds: "2", pid: "1", n: 0},             // another process's
		{ours: "1", fds: "2", pid: self, n: 1}, // a detaching sshd's first
		{fds: "x", pid: self, err: `LISTEN_FDS="x" is not a count of sockets`},
		{ours: "-1", err: ListenFDsEnv + `="-1" is not a count of sockets`},
		{ours: "1001", err: ListenFDsEnv + `="1001" is not a count of sockets`},
	} {
		t.Setenv(ListenFDsEnv, c.ours)
		t.Setenv("LISTEN_FDS", c.fds)
		t.Setenv("LISTEN_PID", c.pid)
		files, err := inheritedSockets()
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%+v: error %v, want %q", c, err, c.err)
			}
			continue
		}
		if err != nil || len(files) != c.n {
			t.Errorf("%+v: %d sockets, %v; want %d", c, len(files), err, c.n)
		}
		// Not closed: descriptors 3 and on belong to the test binary.
	}
}

func TestServerStatus(t *testing.T) {
	run := func(script string) error { return exec.Command("/bin/sh", "-c", script).Run() }
	var log bytes.Buffer
	if got := serverStatus(nil, 0, 1, &log); got != 0 {
		t.Errorf("clean exit: %d", got)
	}
	if got := serverStatus(run("exit 255"), 0, 1, &log); got != 255 || log.Len() != 0 {
		t.Errorf("exit 255: %d, log %q (the server says why itself)", got, log.String())
	}
	if got := serverStatus(run("kill -KILL $$"), 0, 42, &log); got != 137 ||
		log.String() != "sshd: server process 42 killed by signal 9 (killed)\n" {
		t.Errorf("SIGKILL: %d, log %q", got, log.String())
	}
	log.Reset()
	if got := serverStatus(run("kill -TERM $$"), syscall.SIGTERM, 42, &log); got != 0 || log.Len() != 0 {
		t.Errorf("the stop signal forwarded: %d, log %q", got, log.String())
	}
}
