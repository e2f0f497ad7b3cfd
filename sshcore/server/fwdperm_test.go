package server

import (
	"testing"

	"sshbox/configfmt"
)

func fwdConn(o *configfmt.ServerOptions, ko *keyOptions) *conn {
	return &conn{user: &admission{opts: o}, auth: ko}
}

// TestForwardingSwitches: each kind of forwarding needs its direction,
// DisableForwarding off, and the key's permission.
func TestForwardingSwitches(t *testing.T) {
	for _, c := range []struct {
		tcp, stream     string
		disable, noPort bool
		wantL, wantR    bool
	}{
		{"yes", "yes", false, false, true, true},
		{"all", "all", false, false, true, true},
		{"local", "local", false, false, true, false},
		{"remote", "remote", false, false, false, true},
		{"no", "no", false, false, false, false},
		{"yes", "yes", true, false, false, false},
		{"yes", "yes", false, true, false, false},
	} {
		o := &configfmt.ServerOptions{AllowTcpForwarding: c.tcp, AllowStreamLocalForwarding: c.stream, DisableForwarding: c.disable, AllowAgentForwarding: true}
		fc := fwdConn(o, &keyOptions{NoPortForwarding: c.noPort})
		if fc.tcpForwardingAllowed("local") != c.wantL || fc.tcpForwardingAllowed("remote") != c.wantR ||
			fc.streamLocalAllowed("local") != c.wantL || fc.streamLocalAllowed("remote") != c.wantR {
			t.Errorf("%+v: wrong answer", c)
		}
		if got := fc.agentForwardingAllowed(); got != !c.disable {
			t.Errorf("%+v: agent forwarding %v", c, got)
		}
	}
	if fwdConn(&configfmt.ServerOptions{AllowAgentForwarding: true}, &keyOptions{NoAgentForwarding: true}).agentForwardingAllowed() {
		t.Error("no-agent-forwarding ignored")
	}
	if fwdConn(&configfmt.ServerOptions{}, nil).agentForwardingAllowed() {
		t.Error("AllowAgentForwarding no ignored")
	}
}

func TestPermitOpenAndListen(t *testing.T) {
	o := &configfmt.ServerOptions{PermitOpen: []string{"db:5432", "*:80", "[::1]:*"}, PermitListen: []string{"8080", "localhost:9090", "10.*:*"}}
	fc := fwdConn(o, nil)
	for _, c := range []struct {
		host string
		port uint32
		want bool
	}{{"db", 5432, true}, {"DB", 5432, false}, {"db", 5433, false}, {"any", 80, true}, {"::1", 1, true}, {"127.0.0.1", 22, false}} {
		if got := fc.openPermitted(c.host, c.port); got != c.want {
			t.Errorf("open %s:%d: %v", c.host, c.port, got)
		}
	}
	for _, c := range []struct {
		host string
		port uint32
		want bool
	}{{"", 8080, true}, {"0.0.0.0", 8080, true}, {"localhost", 9090, true}, {"LOCALHOST", 9090, true},
		{"127.0.0.1", 9090, false}, {"10.1.2.3", 1, true}, {"localhost", 0, false}} {
		if got := fc.listenPermitted(c.host, c.port); got != c.want {
			t.Errorf("listen %s:%d: %v", c.host, c.port, got)
		}
	}
	// The key's list narrows the administrator's.
	fc.auth = &keyOptions{PermitOpen: []string{"any:80"}, PermitListen: []string{"localhost:8080"}}
	if fc.openPermitted("other", 80) || !fc.openPermitted("any", 80) || fc.openPermitted("db", 5432) {
		t.Error("permitopen= does not narrow PermitOpen")
	}
	if fc.listenPermitted("", 8080) || !fc.listenPermitted("localhost", 8080) {
		t.Error("permitlisten= does not narrow PermitListen")
	}
	for _, list := range [][]string{{"none"}, {"bad"}} {
		fc = fwdConn(&configfmt.ServerOptions{PermitOpen: list, PermitListen: list}, nil)
		if fc.openPermitted("db", 5432) || fc.listenPermitted("localhost", 8080) {
			t.Errorf("%v permits", list)
		}
	}
	fc = fwdConn(&configfmt.ServerOptions{PermitOpen: []string{"any"}}, nil)
	if !fc.openPermitted("x", 1) || !fc.listenPermitted("x", 1) {
		t.Error("any / empty list refuses")
	}
}
