package server

import (
	"strings"
	"testing"
	"time"
)

const testPub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGyTXcWt2DpOTvnP7ldeO3eiPjpOp2gQKfVpvnjFv6Ab user@host"

func TestParseAuthorizedKey(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		line  string
		check func(o keyOptions) bool
	}{
		{testPub, func(o keyOptions) bool { return !o.NoPty && !o.HasCommand }},
		{`command="echo \"hi\" there",no-pty ` + testPub, func(o keyOptions) bool { return o.HasCommand && o.Command == `echo "hi" there` && o.NoPty }},
		{`restrict ` + testPub, func(o keyOptions) bool {
			return o.NoPty && o.NoPortForwarding && o.NoAgentForwarding && o.NoX11Forwarding && o.NoUserRC
		}},
		{`restrict,pty,port-forwarding ` + testPub, func(o keyOptions) bool { return !o.NoPty && !o.NoPortForwarding && o.NoAgentForwarding }},
		{`from="10.0.0.0/8,!10.1.*",environment="A=b c" ` + testPub, func(o keyOptions) bool {
			return len(o.From) == 2 && o.From[1] == "!10.1.*" && o.Environment[0] == "A=b c"
		}},
		{`expiry-time="20250101Z" ` + testPub, func(o keyOptions) bool { return o.ExpiryTime.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) }},
		{`expiry-time="202501011230" ` + testPub, func(o keyOptions) bool { return o.ExpiryTime.Hour() == 12 && o.ExpiryTime.Minute() == 30 }},
		{`NO-PTY ` + testPub, func(o keyOptions) bool { return o.NoPty }},
	}
	for _, c := range cases {
		ak, err := parseAuthorizedKey(c.line, now)
		if err != nil || ak == nil {
			t.Errorf("%s: %v", c.line, err)
			continue
		}
		if ak.Key.Type() != "ssh-ed25519" || ak.Comment != "user@host" || !c.check(ak.Options) {
			t.Errorf("%s: got %+v", c.line, ak.Options)
		}
	}
	for _, blank := range []string{"", "   ", "# comment " + testPub} {
		if ak, err := parseAuthorizedKey(blank, now); ak != nil || err != nil {
			t.Errorf("%q: %v %v", blank, ak, err)
		}
	}
	bad := map[string]string{
		`frobnicate ` + testPub:              "unknown key option",
		`verify-required ` + testPub:         "verify-required is not supported by sshbox",
		`no-pty=yes ` + testPub:              "takes no value",
		`command ` + testPub:                 "needs a value",
		`environment="NOEQUALS" ` + testPub:  "is not NAME=value",
		`expiry-time="2025" ` + testPub:      "expiry-time",
		"ssh-ed25519 AAAA!!notbase64":        "no valid key",
		strings.Repeat("x", 9000):            "longer than",
		testPub + "\n" + testPub + " second": "more than one key",
	}
	for line, want := range bad {
		if _, err := parseAuthorizedKey(line, now); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40q: error %v, want %q", line, err, want)
		}
	}
}

func FuzzParseAuthorizedKey(f *testing.F) {
	f.Add(testPub)
	f.Add(`command="echo \"x\"",from="1.2.3.4/32",restrict,pty ` + testPub)
	f.Add(`expiry-time="20250101123045Z",environment="A=B" ` + testPub)
	f.Add(`permitopen="host:22",principals="a,b" ` + testPub)
	f.Add(`"unterminated ` + testPub)
	f.Fuzz(func(t *testing.T, line string) {
		ak, err := parseAuthorizedKey(line, time.Unix(0, 0))
		if err == nil && ak != nil && ak.Key == nil {
			t.Fatalf("parsed %q without a key", line)
		}
		if err == nil && ak != nil {
			// Dropbear's SSH_PUBKEYINFO: empty, or a word of the line
			// after a space, of its allowed characters only.
			info := pubkeyInfo(line, ak.Key)
			if info != "" && !strings.Contains(line, " "+info) || strings.ContainsAny(info, " \t\n\"=$`;") {
				t.Fatalf("%q gave SSH_PUBKEYINFO %q", line, info)
			}
		}
	})
}

// TestPubkeyInfo: Dropbear's SSH_PUBKEYINFO rule, each case what Dropbear
// 2022.83 gives for the line (e2e's TestDropbearSessionEnv runs Dropbear
// itself beside the dropbear applet for the lines both accept).
func TestPubkeyInfo(t *testing.T) {
	typeBlob := strings.Join(strings.Fields(testPub)[:2], " ")
	for line, want := range map[string]string{
		testPub:                             "user@host",
		typeBlob:                            "",
		typeBlob + " my comment here":       "my",
		typeBlob + "  two-spaces":           "",
		typeBlob + "\ttabbed":               "",
		typeBlob + " a,b=c":                 "",
		typeBlob + ` q"uote`:                "",
		typeBlob + " x.y_z-1+2@h,i tail":    "x.y_z-1+2@h,i",
		`command="a b" ` + typeBlob + " k1": "k1",
		typeBlob + " caf\xc3\xa9":           "",
	} {
		ak, err := parseAuthorizedKey(line, time.Now())
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if got := pubkeyInfo(line, ak.Key); got != want {
			t.Errorf("%q: SSH_PUBKEYINFO %q, want %q", line, got, want)
		}
	}
}
