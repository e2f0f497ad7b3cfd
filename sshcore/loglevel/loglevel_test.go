package loglevel

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]Level{"": Info, "info": Info, "QUIET": Quiet, "fatal": Fatal,
		"Error": Error, "VERBOSE": Verbose, "debug": Debug1, "DEBUG1": Debug1, "debug2": Debug2, "DEBUG3": Debug3} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := Parse("LOUD"); err == nil {
		t.Error("Parse(LOUD) succeeded")
	}
}
