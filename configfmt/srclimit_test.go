package configfmt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func loadServerText(t *testing.T, text string) (*ServerOptions, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sshd_config")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadServer(path, nil)
	if err != nil {
		return nil, err
	}
	return c.For(MatchConn{User: "u", Addr: "192.0.2.1"})
}

// TestPerSourcePenaltiesValues: the defaults are OpenSSH 10's; each word's
// first value wins across lines; any word switches the penalties on, even
// after "no"; overflow6 follows overflow unless given itself.
func TestPerSourcePenaltiesValues(t *testing.T) {
	o, err := loadServerText(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if o.PerSourcePenalties != DefaultPenalties() || !o.PerSourcePenalties.Enabled {
		t.Errorf("default %+v", o.PerSourcePenalties)
	}
	o, err = loadServerText(t, "PerSourcePenalties authfail:1m min:30s overflow:deny-all\nPerSourcePenalties authfail:2s crash:1h\n")
	if err != nil {
		t.Fatal(err)
	}
	p := o.PerSourcePenalties
	if p.AuthFail != time.Minute || p.Min != 30*time.Second || p.Crash != time.Hour || !p.DenyAll4 || !p.DenyAll6 || p.NoAuth != time.Second {
		t.Errorf("got %+v", p)
	}
	o, err = loadServerText(t, "PerSourcePenalties overflow6:permissive overflow:deny-all\n")
	if err != nil || !o.PerSourcePenalties.DenyAll4 || o.PerSourcePenalties.DenyAll6 {
		t.Errorf("overflow6 given first: %+v %v", o.PerSourcePenalties, err)
	}
	o, err = loadServerText(t, "PerSourcePenalties no\n")
	if err != nil || o.PerSourcePenalties.Enabled {
		t.Errorf("no: %+v %v", o.PerSourcePenalties, err)
	}
	o, err = loadServerText(t, "PerSourcePenalties no\nPerSourcePenalties yes\n")
	if err != nil || o.PerSourcePenalties.Enabled {
		t.Errorf("no then yes: the first wins: %+v %v", o.PerSourcePenalties, err)
	}
	o, err = loadServerText(t, "PerSourcePenalties no\nPerSourcePenalties noauth:3s\n")
	if err != nil || !o.PerSourcePenalties.Enabled || o.PerSourcePenalties.NoAuth != 3*time.Second {
		t.Errorf("no then a word: %+v %v", o.PerSourcePenalties, err)
	}
	o, err = loadServerText(t, "PerSourcePenalties noauth:3s\nPerSourcePenalties no\n")
	if err != nil || !o.PerSourcePenalties.Enabled {
		t.Errorf("a word then no: %+v %v", o.PerSourcePenalties, err)
	}
	for _, bad := range []string{"maybe", "crash", "crash:soon", "overflow:sometimes", "nosuch:1", "yes crash:1s", "max-sources4:-1", "max-sources6:x"} {
		if _, err := loadServerText(t, "PerSourcePenalties "+bad+"\n"); err == nil || !strings.Contains(err.Error(), "sshd_config:1: PerSourcePenalties: ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestPerSourceLimitKeywords(t *testing.T) {
	o, err := loadServerText(t, "PerSourceMaxStartups 3\nPerSourceNetBlockSize 24:64\nPerSourcePenaltyExemptList 10.0.0.0/8,!10.1.2.3\n")
	if err != nil {
		t.Fatal(err)
	}
	if o.PerSourceMaxStartups != 3 || o.PerSourceNetBlockSize != [2]int{24, 64} || o.PerSourcePenaltyExemptList != "10.0.0.0/8,!10.1.2.3" {
		t.Errorf("got %d %v %q", o.PerSourceMaxStartups, o.PerSourceNetBlockSize, o.PerSourcePenaltyExemptList)
	}
	o, err = loadServerText(t, "PerSourceNetBlockSize 16\n")
	if err != nil || o.PerSourceNetBlockSize != [2]int{16, 128} {
		t.Errorf("v4 only: %v %v", o.PerSourceNetBlockSize, err)
	}
	o, err = loadServerText(t, "")
	if err != nil || o.PerSourceMaxStartups != 0 || o.PerSourceNetBlockSize != [2]int{32, 128} || o.PerSourcePenaltyExemptList != "" {
		t.Errorf("defaults: %d %v %q %v", o.PerSourceMaxStartups, o.PerSourceNetBlockSize, o.PerSourcePenaltyExemptList, err)
	}
	for _, bad := range []string{"PerSourceMaxStartups -1", "PerSourceMaxStartups 0", "PerSourceMaxStartups lots", "PerSourceNetBlockSize 33",
		"PerSourceNetBlockSize 24:129", "PerSourceNetBlockSize a:b", "PerSourcePenaltyExemptList 10.0.0.1/8",
		"Match User u\n\tPerSourcePenalties no"} {
		if _, err := loadServerText(t, bad+"\n"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
