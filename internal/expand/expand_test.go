package expand

import "testing"

func TestTokens(t *testing.T) {
	vals := map[byte]string{'%': "%", 'u': "alice", 'h': "/home/alice"}
	for in, want := range map[string]string{
		"plain": "plain", "%h/.ssh/%u": "/home/alice/.ssh/alice", "100%%": "100%", "%%u": "%u",
	} {
		if got, err := Tokens(in, vals); err != nil || got != want {
			t.Errorf("Tokens(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"%", "a%", "%X", "%h%"} {
		if got, err := Tokens(bad, vals); err == nil {
			t.Errorf("Tokens(%q) = %q, want an error", bad, got)
		}
	}
}

func TestTilde(t *testing.T) {
	for in, want := range map[string]string{
		"~": "/h/", "~/": "/h/", "~//x/y": "/h/x/y", "~root": "/root/", "~root//a": "/root/a",
		"/abs": "/abs", "rel/~": "rel/~",
	} {
		if got, err := Tilde(in, "/h"); err != nil || got != want {
			t.Errorf("Tilde(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got, err := Tilde("~sbx-nosuchuser/x", "/h"); err == nil {
		t.Errorf("an unknown user expanded to %q", got)
	}
}

// FuzzTokens: any string and token set give a result or an error, never a
// panic; without % the string comes back as it is.
func FuzzTokens(f *testing.F) {
	f.Add("%h/.ssh/authorized_keys", "h")
	f.Add("%%%", "%")
	f.Fuzz(func(t *testing.T, s, keys string) {
		vals := map[byte]string{}
		for i := 0; i < len(keys); i++ {
			vals[keys[i]] = "v"
		}
		got, err := Tokens(s, vals)
		if err == nil && len(keys) == 0 && got != s {
			t.Errorf("Tokens(%q) with no tokens = %q", s, got)
		}
	})
}
