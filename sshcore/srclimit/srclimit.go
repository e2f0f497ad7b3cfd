// Package srclimit is sshd's memory of where connections come from: how
// many unauthenticated connections each source has open
// (PerSourceMaxStartups) and the penalties that sources earn by ending
// connections badly (PerSourcePenalties, OpenSSH 9.8), which refuse their
// next connections for a while. A source is the client's address masked to
// PerSourceNetBlockSize. It keeps no log of its own: Penalise returns what
// happened for sshd to log in OpenSSH's words.
package srclimit

import (
	"container/heap"
	"net/netip"
	"sync"
	"time"

	"sshbox/configfmt"
)

// Kind is how a connection ended before authentication, each earning the
// penalty PerSourcePenalties sets for it.
type Kind int

const (
	None             Kind = iota // a login, or an ending that earns nothing
	Crash                        // sshd failed serving it (a panic)
	AuthFail                     // the client tried to authenticate and failed
	InvalidUser                  // ... as a user that does not exist
	NoAuth                       // the client left without trying
	Grace                        // LoginGraceTime ran out
	RefuseConnection             // RefuseConnection refused it
)

// Reason is the kind as OpenSSH logs it.
func (k Kind) Reason() string {
	switch k {
	case Crash:
		return "penalty: caused crash"
	case AuthFail:
		return "penalty: failed authentication"
	case InvalidUser:
		return "penalty: attempted authentication by invalid user"
	case NoAuth:
		return "penalty: connections without attempting authentication"
	case Grace:
		return "penalty: exceeded LoginGraceTime"
	case RefuseConnection:
		return "penalty: connection prohibited by RefuseConnection"
	}
	return ""
}

func (k Kind) duration(p *configfmt.Penalties) time.Duration {
	switch k {
	case Crash:
		return p.Crash
	case AuthFail:
		return p.AuthFail
	case InvalidUser:
		return p.InvalidUser
	case NoAuth:
		return p.NoAuth
	case Grace:
		return p.Grace
	case RefuseConnection:
		return p.RefuseConnection
	}
	return 0
}

// Limits are the options the table applies; sshd passes the current ones
// with every call, so a reload applies to the next connection while the
// sources remembered stay.
type Limits struct {
	MaxStartups  int // unauthenticated connections per source; 0: no limit
	Bits4, Bits6 int // PerSourceNetBlockSize
	Penalties    configfmt.Penalties
	Exempt       string // address list never penalised ("": none)
}

// LimitsOf reads the limits from sshd's options.
func LimitsOf(o *configfmt.ServerOptions) *Limits {
	return &Limits{MaxStartups: o.PerSourceMaxStartups, Bits4: o.PerSourceNetBlockSize[0],
		Bits6: o.PerSourceNetBlockSize[1], Penalties: o.PerSourcePenalties, Exempt: o.PerSourcePenaltyExemptList}
}

// Source is ip masked to the limits' block size: the unit that is
// counted and penalised.
func (l *Limits) Source(ip netip.Addr) netip.Prefix {
	ip = ip.Unmap()
	bits := l.Bits6
	if ip.Is4() {
		bits = l.Bits4
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return netip.PrefixFrom(ip, ip.BitLen())
	}
	return p
}

func (l *Limits) exempt(ip netip.Addr) bool {
	return l.Exempt != "" && configfmt.MatchAddrList(ip.Unmap().String(), l.Exempt) == 1
}

// Table is the state of every source; the zero value is ready.
type Table struct {
	// Now is the clock (tests set it); nil is time.Now.
	Now func() time.Time

	mu        sync.Mutex
	startups  map[netip.Prefix]int
	penalties map[netip.Prefix]*penalty
	byExpiry  [2]expiryHeap // IPv4, IPv6
}

type penalty struct {
	src    netip.Prefix
	expiry time.Time
	active bool // refusing: more than Min accumulated
	kind   Kind // the last one that added to it
	index  int  // in its expiryHeap
}

func (t *Table) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func family(ip netip.Addr) int {
	if ip.Unmap().Is4() {
		return 0
	}
	return 1
}

// FamilyName is "ipv4" or "ipv6", as OpenSSH's penalty log lines name
// the tables.
func FamilyName(ip netip.Addr) string { return [2]string{"ipv4", "ipv6"}[family(ip)] }

func sourcesFor(p *configfmt.Penalties, fam int) (max int, denyAll bool) {
	if fam == 0 {
		return p.MaxSources4, p.DenyAll4
	}
	return p.MaxSources6, p.DenyAll6
}

// expire drops the penalties that have run out. t.mu is held.
func (t *Table) expire(now time.Time) {
	for f := range t.byExpiry {
		h := &t.byExpiry[f]
		for h.Len() > 0 && (*h)[0].expiry.Before(now) {
			p := heap.Pop(h).(*penalty)
			delete(t.penalties, p.src)
		}
	}
}

// Refused says why a new connection from ip is refused for a penalty
// ("" when it is not): its source's penalty is active, or the table of
// its address family is full and PerSourcePenalties says overflow:deny-all.
func (t *Table) Refused(l *Limits, ip netip.Addr) string {
	p := &l.Penalties
	if !p.Enabled || l.exempt(ip) {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expire(t.now())
	fam := family(ip)
	if max, deny := sourcesFor(p, fam); deny && t.byExpiry[fam].Len() >= max {
		return "too many penalised addresses"
	}
	if e := t.penalties[l.Source(ip)]; e != nil && e.active {
		return e.kind.Reason()
	}
	return ""
}

// Start counts a new unauthenticated connection from ip against
// PerSourceMaxStartups; ok is false when its source already has that many.
// release ends the count (once authentication is over, either way); it may
// be called more than once.
func (t *Table) Start(l *Limits, ip netip.Addr) (release func(), ok bool) {
	if l.MaxStartups <= 0 {
		return func() {}, true
	}
	src := l.Source(ip)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.startups[src] >= l.MaxStartups {
		return nil, false
	}
	if t.startups == nil {
		t.startups = map[netip.Prefix]int{}
	}
	t.startups[src]++
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			defer t.mu.Unlock()
			if t.startups[src]--; t.startups[src] <= 0 {
				delete(t.startups, src)
			}
		})
	}, true
}

// Event is what a penalty did, for sshd's log.
type Event struct {
	Source    netip.Prefix
	Kind      Kind
	New       bool          // a source not penalised before
	Active    bool          // its connections are now refused
	Activated bool          // ... from this penalty on
	Left      time.Duration // until it expires
	Full      bool          // not recorded: the table is full (overflow:deny-all)
}

// Penalise records that a connection from ip ended as k. ok is false when
// nothing was recorded and there is nothing to log: penalties are off,
// ip is exempt, or k earns no time.
func (t *Table) Penalise(l *Limits, ip netip.Addr, k Kind) (ev Event, ok bool) {
	p := &l.Penalties
	d := k.duration(p)
	if !p.Enabled || k == None || d <= 0 || l.exempt(ip) {
		return Event{}, false
	}
	src := l.Source(ip)
	ev = Event{Source: src, Kind: k}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.expire(now)
	fam := family(ip)
	h := &t.byExpiry[fam]
	max, deny := sourcesFor(p, fam)
	if e := t.penalties[src]; e != nil {
		// Penalties of one source add up, to Max at most.
		e.expiry = e.expiry.Add(d)
		if e.expiry.Sub(now) > p.Max {
			e.expiry = now.Add(p.Max)
		}
		if !e.active && e.expiry.Sub(now) > p.Min {
			e.active, ev.Activated = true, true
		}
		e.kind = k
		heap.Fix(h, e.index)
		ev.Active, ev.Left = e.active, e.expiry.Sub(now)
		return ev, true
	}
	if deny && h.Len() >= max {
		ev.Full = true
		return ev, true
	}
	e := &penalty{src: src, expiry: now.Add(d), active: d > p.Min, kind: k}
	if t.penalties == nil {
		t.penalties = map[netip.Prefix]*penalty{}
	}
	t.penalties[src] = e
	heap.Push(h, e)
	ev.New, ev.Active, ev.Left = true, e.active, d
	// overflow:permissive: past max-sources, the penalties closest to
	// their end are forgotten.
	for h.Len() > max {
		old := heap.Pop(h).(*penalty)
		delete(t.penalties, old.src)
	}
	return ev, true
}

// expiryHeap orders penalties by expiry, soonest first.
type expiryHeap []*penalty

func (h expiryHeap) Len() int { return len(h) }
func (h expiryHeap) Less(i, j int) bool {
	return h[i].expiry.Before(h[j].expiry)
}
func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *expiryHeap) Push(x any) {
	p := x.(*penalty)
	p.index = len(*h)
	*h = append(*h, p)
}
func (h *expiryHeap) Pop() any {
	old := *h
	p := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return p
}
