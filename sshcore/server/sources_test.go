package server

import (
	"strings"
	"testing"
	"time"

	"sshbox/configfmt"
)

// TestPanicDuringLoginIsPenalised: a login that panics earns its source
// PerSourcePenalties' crash penalty (90 s by default, active at once), so
// the source's next connection is refused before the version exchange;
// with penalties off it is served.
func TestPanicDuringLoginIsPenalised(t *testing.T) {
	for _, on := range []bool{true, false} {
		opts := func() *configfmt.ServerOptions {
			o := testOptions()
			o.PerSourceNetBlockSize = [2]int{32, 128}
			o.PerSourcePenalties = configfmt.DefaultPenalties()
			o.PerSourcePenalties.Enabled = on
			return o
		}
		dial, log := panickingLoginServer(t, opts)
		dial("sbx-panic-user")
		// The penalty is recorded once the server has seen the
		// connection end; wait for its log line.
		deadline := time.Now().Add(5 * time.Second)
		for on && !strings.Contains(log.String(), "for penalty: caused crash") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		err := dial("sbx-no-such-user")
		switch {
		case on && (err == nil || !strings.Contains(log.String(), "srclimit_penalise: ipv4: new 127.0.0.1/32 active penalty of 90.000 seconds for penalty: caused crash") ||
			!strings.Contains(log.String(), " penalty: caused crash\r\n")):
			t.Fatalf("penalties on: next connection %v\n%s", err, log.String())
		case !on && (err == nil || !strings.Contains(err.Error(), "unable to authenticate")):
			t.Fatalf("penalties off: next connection %v\n%s", err, log.String())
		}
	}
}
