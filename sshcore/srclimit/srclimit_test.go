package srclimit

import (
	"net/netip"
	"testing"
	"time"

	"sshbox/configfmt"
)

// clock is a test clock that moves only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTable() (*Table, *clock) {
	c := &clock{t: time.Unix(1_000_000, 0)}
	return &Table{Now: c.now}, c
}

func defaults() *Limits {
	return &Limits{Bits4: 32, Bits6: 128, Penalties: configfmt.DefaultPenalties()}
}

var ip1 = netip.MustParseAddr("192.0.2.1")

// TestPenaltiesAccumulate: OpenSSH's defaults refuse a source once more
// than 15 s have accumulated (three failed logins are 15 s, the fourth
// tips it), penalties of one source add up to max, decay in real time, and
// other sources are not affected.
func TestPenaltiesAccumulate(t *testing.T) {
	tb, c := newTable()
	l := defaults()
	for i := 1; i <= 3; i++ {
		ev, ok := tb.Penalise(l, ip1, AuthFail)
		if !ok || ev.Active || ev.New != (i == 1) {
			t.Fatalf("failure %d: %+v %v", i, ev, ok)
		}
		if r := tb.Refused(l, ip1); r != "" {
			t.Fatalf("refused after %d failures: %q", i, r)
		}
	}
	ev, _ := tb.Penalise(l, ip1, AuthFail)
	if !ev.Activated || !ev.Active || ev.Left != 20*time.Second {
		t.Fatalf("fourth failure: %+v", ev)
	}
	if r := tb.Refused(l, ip1); r != "penalty: failed authentication" {
		t.Fatalf("refused %q", r)
	}
	if r := tb.Refused(l, netip.MustParseAddr("192.0.2.2")); r != "" {
		t.Fatalf("another address refused: %q", r)
	}
	if r := tb.Refused(l, netip.MustParseAddr("::ffff:192.0.2.1")); r == "" {
		t.Fatal("the same address, IPv4-mapped, is not refused")
	}
	c.advance(19 * time.Second)
	if tb.Refused(l, ip1) == "" {
		t.Fatal("penalty ended early")
	}
	c.advance(2 * time.Second)
	if r := tb.Refused(l, ip1); r != "" {
		t.Fatalf("penalty still on after it expired: %q", r)
	}
	// A crash is 90 s, over min on its own; more cannot exceed max.
	ev, _ = tb.Penalise(l, ip1, Crash)
	if !ev.New || !ev.Active || ev.Left != 90*time.Second {
		t.Fatalf("crash: %+v", ev)
	}
	for range 10 {
		ev, _ = tb.Penalise(l, ip1, Crash)
	}
	if ev.Left != 600*time.Second {
		t.Fatalf("capped at %v", ev.Left)
	}
	if r := tb.Refused(l, ip1); r != "penalty: caused crash" {
		t.Fatalf("refused %q", r)
	}
	// The penalties decay as time passes: after 600 s nothing is left.
	c.advance(601 * time.Second)
	if tb.Refused(l, ip1) != "" || len(tb.penalties) != 0 {
		t.Fatalf("left %d penalties", len(tb.penalties))
	}
	// Off, or a kind set to 0, records nothing.
	off := defaults()
	off.Penalties.Enabled = false
	if _, ok := tb.Penalise(off, ip1, Crash); ok {
		t.Fatal("penalised with penalties off")
	}
	zero := defaults()
	zero.Penalties.NoAuth = 0
	if _, ok := tb.Penalise(zero, ip1, NoAuth); ok {
		t.Fatal("noauth:0 penalised")
	}
	if _, ok := tb.Penalise(l, ip1, None); ok {
		t.Fatal("a login penalised")
	}
}

// TestPenaltyExempt: PerSourcePenaltyExemptList's addresses earn nothing
// and are never refused.
func TestPenaltyExempt(t *testing.T) {
	tb, _ := newTable()
	l := defaults()
	l.Exempt = "192.0.2.0/24,!192.0.2.9"
	if _, ok := tb.Penalise(l, ip1, Crash); ok || tb.Refused(l, ip1) != "" {
		t.Fatal("exempt address penalised")
	}
	bad := netip.MustParseAddr("192.0.2.9")
	if _, ok := tb.Penalise(l, bad, Crash); !ok || tb.Refused(l, bad) == "" {
		t.Fatal("negated address not penalised")
	}
}

// TestNetBlocks: PerSourceNetBlockSize groups addresses; the whole block
// shares a penalty and a startup count.
func TestNetBlocks(t *testing.T) {
	tb, _ := newTable()
	l := defaults()
	l.Bits4, l.Bits6 = 24, 64
	tb.Penalise(l, ip1, Crash)
	if tb.Refused(l, netip.MustParseAddr("192.0.2.200")) == "" {
		t.Fatal("same /24 not refused")
	}
	if tb.Refused(l, netip.MustParseAddr("192.0.3.1")) != "" {
		t.Fatal("other /24 refused")
	}
	v6 := netip.MustParseAddr("2001:db8:1:2::5")
	tb.Penalise(l, v6, Crash)
	if tb.Refused(l, netip.MustParseAddr("2001:db8:1:2:ffff::1")) == "" || tb.Refused(l, netip.MustParseAddr("2001:db8:1:3::5")) != "" {
		t.Fatal("IPv6 /64 grouping")
	}
	if got := l.Source(ip1).String(); got != "192.0.2.0/24" {
		t.Fatalf("source %s", got)
	}
}

// TestPenaltyOverflow: past max-sources, permissive forgets the penalties
// closest to expiry; deny-all refuses every source of that family.
func TestPenaltyOverflow(t *testing.T) {
	tb, c := newTable()
	l := defaults()
	l.Penalties.MaxSources4 = 2
	a := netip.MustParseAddr("198.51.100.1")
	b := netip.MustParseAddr("198.51.100.2")
	d := netip.MustParseAddr("198.51.100.3")
	tb.Penalise(l, a, Crash) // expires first
	c.advance(time.Second)
	tb.Penalise(l, b, Crash)
	tb.Penalise(l, d, Crash)
	if tb.Refused(l, a) != "" || tb.Refused(l, b) == "" || tb.Refused(l, d) == "" {
		t.Fatal("permissive overflow did not forget the soonest penalty")
	}
	deny := defaults()
	deny.Penalties.MaxSources4, deny.Penalties.DenyAll4 = 2, true
	tb2, _ := newTable()
	tb2.Penalise(deny, a, NoAuth) // deferred penalties count as sources too
	tb2.Penalise(deny, b, NoAuth)
	if ev, _ := tb2.Penalise(deny, d, Crash); !ev.Full {
		t.Fatalf("third source recorded: %+v", ev)
	}
	if r := tb2.Refused(deny, netip.MustParseAddr("203.0.113.7")); r != "too many penalised addresses" {
		t.Fatalf("deny-all: %q", r)
	}
	if r := tb2.Refused(deny, netip.MustParseAddr("2001:db8::7")); r != "" {
		t.Fatalf("IPv6 refused for a full IPv4 table: %q", r)
	}
}

// TestPerSourceStartups: PerSourceMaxStartups counts unauthenticated
// connections per source; release frees the slot, once.
func TestPerSourceStartups(t *testing.T) {
	tb, _ := newTable()
	l := defaults()
	l.MaxStartups = 2
	r1, ok1 := tb.Start(l, ip1)
	_, ok2 := tb.Start(l, ip1)
	_, ok3 := tb.Start(l, ip1)
	if !ok1 || !ok2 || ok3 {
		t.Fatalf("got %v %v %v", ok1, ok2, ok3)
	}
	if _, ok := tb.Start(l, netip.MustParseAddr("192.0.2.2")); !ok {
		t.Fatal("another source refused")
	}
	r1()
	r1()
	if _, ok := tb.Start(l, ip1); !ok {
		t.Fatal("released slot not reusable")
	}
	if _, ok := tb.Start(l, ip1); ok {
		t.Fatal("a second release freed a second slot")
	}
	none := defaults()
	for range 100 {
		if _, ok := tb.Start(none, ip1); !ok {
			t.Fatal("none limits")
		}
	}
}
