package keys

import "testing"

// TestCheckSourceAddress: what OpenSSH 9.2's ssh-keygen -O source-address
// takes and refuses (the interop test compares the words).
func TestCheckSourceAddress(t *testing.T) {
	for list, ok := range map[string]bool{
		"1.2.3.4": true, "1.2.3.0/24,fe80::/10": true, "1.2.3": true, "01.2.3.4": true, "::ffff:1.2.3.4": true,
		"1.2.3.4/24": false, "1.2.3.4/33": false, "fe80::/129": false, "999.1.1.1": false, "08.1.1.1": false,
		"1.2.3.4,": false, "bogus": false, "1.2.3.4/": false,
	} {
		if err := CheckSourceAddress(list); (err == nil) != ok {
			t.Errorf("CheckSourceAddress(%q) = %v, want ok %v", list, err, ok)
		}
	}
}
