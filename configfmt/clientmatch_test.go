package configfmt

import (
	"strings"
	"testing"
)

// TestMatchOpenSSH10Criteria: OpenSSH 10's Match sessiontype, command and
// version, its attribute=value form, and tagged's and command's empty
// argument, each against what the command line asked for. OpenSSH 9.2
// (the ssh installed here) knows none of them, so the expectations are
// those of OpenSSH 10's readconf.c.
func TestMatchOpenSSH10Criteria(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range []struct {
		match     string
		overrides []string // -N, -s and -W reach the files as SessionType
		command   string
		want      bool
	}{
		{"sessiontype shell", nil, "", true},
		{"sessiontype shell", nil, "ls", false},
		{"sessiontype exec", nil, "ls -l", true},
		{"sessiontype exec,subsystem", nil, "ls", true},
		{"sessiontype subsystem", []string{"SessionType subsystem"}, "sftp", true},
		{"sessiontype exec", []string{"SessionType subsystem"}, "sftp", false},
		{"sessiontype none", []string{"SessionType none"}, "", true},
		{"sessiontype none", []string{"SessionType none"}, "ls", true},
		{"sessiontype exec", []string{"SessionType none"}, "ls", false},
		{"sessiontype shell", []string{"SessionType default"}, "", true},
		// RemoteCommand is not known when OpenSSH reads the files.
		{"sessiontype shell", []string{"RemoteCommand uptime"}, "", true},
		{"!sessiontype shell", nil, "ls", true},
		{"!sessiontype shell", nil, "", false},
		{"sessiontype !exec,*", nil, "ls", false},
		{"SessionType SHELL", nil, "", false}, // the keyword folds, the value does not

		{"command ls*", nil, "ls -l", true},
		{`command "ls -l"`, nil, "ls -l", true},
		{"command ls", nil, "ls -l", false},
		{`command ""`, nil, "", true},
		{`command ""`, nil, "ls", false},
		{"command *", nil, "", false}, // no command matches only ""
		{`!command ""`, nil, "ls", true},
		{"command sftp", []string{"SessionType subsystem"}, "sftp", true},
		{"command uptime", []string{"RemoteCommand uptime"}, "", false},
		{"command=ls", nil, "ls", true},
		{"Command=", nil, "", true},
		{"command=!ls,*", nil, "ls", false},

		{"version " + ClientVersion, nil, "", true},
		{"version sshbox_*", nil, "", true},
		{"version OpenSSH_*", nil, "", false},
		{"!version OpenSSH_10.*", nil, "", true},
		{"version=sshbox_*", nil, "", true},

		{`tagged ""`, nil, "", true},
		{"tagged *", nil, "", false},
		{`tagged ""`, []string{"Tag prod"}, "", false},
		{"tagged=prod", []string{"Tag prod"}, "", true},
		{"tagged=", nil, "", true},

		{"host=h", nil, "", true},
		{"HOST=H", nil, "", true}, // host names fold
		{"!user=nobody9", nil, "", true},
		{"originalhost=h localuser=*", nil, "", true},

		{"canonical", nil, "", false}, // canonical alone asks for no second pass
		{"all", nil, "", true},
		{"!all", nil, "", false},
		{"canonical all", nil, "", false},
		{"final all", nil, "", true},
		{"host h all", nil, "", true}, // OpenSSH allows all after one criterion
		{"host nomatch all", nil, "", false},
		{"sessiontype exec command ls host h", nil, "ls", true},
	} {
		p := writeFile(t, dir, "c"+strings.Repeat("x", i), "Match "+tc.match+"\n  Port 2001\n")
		o, err := LoadClientCommand([]string{p}, tc.overrides, "h", "", tc.command)
		if err != nil {
			t.Errorf("Match %s: %v", tc.match, err)
			continue
		}
		if got := o.Port == 2001; got != tc.want {
			t.Errorf("Match %s, %q, command %q: applied %v, want %v", tc.match, tc.overrides, tc.command, got, tc.want)
		}
	}
}

// TestMatchSessionTypeSoFar: Match sessiontype sees the SessionType
// obtained so far, from an earlier line too, as OpenSSH's first value
// wins; a later line cannot change what was matched.
func TestMatchSessionTypeSoFar(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c", "Host quiet\n  SessionType none\nMatch sessiontype none\n  Port 2002\nMatch sessiontype shell\n  Port 2003\nHost *\n  SessionType subsystem\n")
	for host, port := range map[string]int{"quiet": 2002, "other": 2003} {
		o, err := LoadClientCommand([]string{p}, nil, host, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if o.Port != port {
			t.Errorf("%s: port %d, want %d", host, o.Port, port)
		}
	}
}

// TestMatchCriteriaFinalPass: the second pass (Match final) sees the same
// command.
func TestMatchCriteriaFinalPass(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c", "Match final command uptime sessiontype exec\n  Port 2004\n")
	o, err := LoadClientCommand([]string{p}, nil, "h", "", "uptime")
	if err != nil || o.Port != 2004 {
		t.Errorf("port %d, %v; want 2004", o.Port, err)
	}
}

// TestMatchErrors: a Match line OpenSSH 10 refuses is an error naming the
// file and line.
func TestMatchErrors(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range []struct{ text, want string }{
		{"Match sessiontype\n", `:1: Match keyword "sessiontype" requires an argument`},
		{"Host *\nMatch command\n", `:2: Match keyword "command" requires an argument`},
		{"Match version\n", `:1: Match keyword "version" requires an argument`},
		{"Match !version\n", `:1: Match keyword "version" requires an argument`},
		{"Match host h sessiontype # comment\n", `:1: Match keyword "sessiontype" requires an argument`},
		{"Match host \"\"\n", `:1: Match keyword "host" requires an argument`},
		{"Match version \"\"\n", `:1: Match keyword "version" requires an argument`},
		{"Match sessiontype \"\"\n", `:1: Match keyword "sessiontype" requires an argument`},
		{"Match host=\n", `:1: Match keyword "host" requires an argument`},
		{"Match sessiontype=shell\n", `:1: unsupported Match attribute "sessiontype=shell"`},
		{"Match nosuch=x\n", `:1: unsupported Match attribute "nosuch=x"`},
		{"Match all host h\n", `:1: 'all' cannot be combined with other Match attributes`},
		{"Match host a user b !all\n", `:1: '!all' cannot be combined with other Match attributes`},
		{"Port 22\nMatch # comment\n", `:2: no argument after keyword "Match"`},
	} {
		p := writeFile(t, dir, "c"+strings.Repeat("x", i), tc.text)
		_, err := LoadClientCommand([]string{p}, nil, "h", "", "ls")
		if err == nil || !strings.Contains(err.Error(), p+tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
}
