package moduli

import "testing"

// FuzzParseLine: a line either parses into an entry that renders and parses
// back to the same entry, or is refused; nothing panics.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		"20261126032803 4 2 203277289 510 0 77E752B1B09F04E541F91ABB1435B127",
		"20261126032809 2 6 100 511 2 EFCEA563613E09CA83F23576286B624E83D11F6E63D755C2",
		"20261126032809 2 6 100 511 5 -1",
		"20261126032809 2 6 100 511 x 1",
		"2026112603280 2 6 100 511 2 1",
		"",
		"# comment",
		"20261126032809 2 6 100 511 2 1 extra",
		"20261126032809 99999999999 6 100 511 2 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseLine(s)
		if err != nil {
			return
		}
		again, err := ParseLine(e.String())
		if err != nil {
			t.Fatalf("%q renders as %q, which does not parse: %v", s, e.String(), err)
		}
		if again.String() != e.String() {
			t.Fatalf("%q: %q then %q", s, e.String(), again.String())
		}
	})
}
