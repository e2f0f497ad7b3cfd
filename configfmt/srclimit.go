package configfmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Penalties is PerSourcePenalties (OpenSSH 9.8): how long a source is
// refused after each kind of misbehaviour, the threshold and ceiling of
// what it accumulates, and how many penalised sources are remembered. The
// zero value is not the default; DefaultPenalties is.
type Penalties struct {
	Enabled bool
	// Crash, AuthFail, InvalidUser, NoAuth, Grace and RefuseConnection
	// are the time each kind of ending adds (0: none).
	Crash, AuthFail, InvalidUser, NoAuth, Grace, RefuseConnection time.Duration
	// Min is what a source must accumulate before it is refused; Max
	// caps what it can accumulate.
	Min, Max time.Duration
	// MaxSources4 and MaxSources6 bound the sources remembered per
	// address family; past them DenyAll4 (DenyAll6) refuses every source
	// of that family, otherwise the penalties closest to expiry go.
	MaxSources4, MaxSources6 int
	DenyAll4, DenyAll6       bool

	given uint32 // the words already set: each word's first value wins
}

// DefaultPenalties are OpenSSH 10's defaults: on, crash:90s authfail:5s
// invaliduser:5s noauth:1s grace-exceeded:10s refuseconnection:10s
// min:15s max:10m, 65536 sources per family, permissive on overflow.
func DefaultPenalties() Penalties {
	return Penalties{
		Enabled: true,
		Crash:   90 * time.Second, AuthFail: 5 * time.Second, InvalidUser: 5 * time.Second,
		NoAuth: time.Second, Grace: 10 * time.Second, RefuseConnection: 10 * time.Second,
		Min: 15 * time.Second, Max: 600 * time.Second,
		MaxSources4: 65536, MaxSources6: 65536,
	}
}

// The words of PerSourcePenalties, each a bit of Penalties.given.
var penaltyWords = []struct {
	name string
	dur  func(p *Penalties) *time.Duration
	num  func(p *Penalties) *int
	deny func(p *Penalties) *bool
}{
	{name: "crash", dur: func(p *Penalties) *time.Duration { return &p.Crash }},
	{name: "authfail", dur: func(p *Penalties) *time.Duration { return &p.AuthFail }},
	{name: "invaliduser", dur: func(p *Penalties) *time.Duration { return &p.InvalidUser }},
	{name: "noauth", dur: func(p *Penalties) *time.Duration { return &p.NoAuth }},
	{name: "grace-exceeded", dur: func(p *Penalties) *time.Duration { return &p.Grace }},
	{name: "refuseconnection", dur: func(p *Penalties) *time.Duration { return &p.RefuseConnection }},
	{name: "max", dur: func(p *Penalties) *time.Duration { return &p.Max }},
	{name: "min", dur: func(p *Penalties) *time.Duration { return &p.Min }},
	{name: "max-sources4", num: func(p *Penalties) *int { return &p.MaxSources4 }},
	{name: "max-sources6", num: func(p *Penalties) *int { return &p.MaxSources6 }},
	{name: "overflow", deny: func(p *Penalties) *bool { return &p.DenyAll4 }},
	{name: "overflow6", deny: func(p *Penalties) *bool { return &p.DenyAll6 }},
}

const penaltyEnabledBit = 1 << 31

// set applies one PerSourcePenalties line, as OpenSSH's servconf.c does:
// yes or no alone, or NAME:VALUE words; the first value of each word wins
// over later lines, and setting any word switches the penalties on.
func (p *Penalties) set(a []string) error {
	if len(a) == 0 {
		return fmt.Errorf("no value specified")
	}
	for _, w := range a {
		if b, err := parseYesNo(w); err == nil {
			if len(a) > 1 {
				return fmt.Errorf("%q argument must appear alone", w)
			}
			if p.given&penaltyEnabledBit == 0 {
				p.Enabled, p.given = b, p.given|penaltyEnabledBit
			}
			continue
		}
		name, val, ok := strings.Cut(w, ":")
		i := penaltyIndex(name)
		if !ok || i < 0 {
			return fmt.Errorf("unsupported keyword %s", w)
		}
		pw := penaltyWords[i]
		var err error
		var d time.Duration
		var n int
		var deny bool
		switch {
		case pw.dur != nil:
			var secs int
			secs, err = parseTime(val)
			d = time.Duration(secs) * time.Second
		case pw.num != nil:
			n, err = strconv.Atoi(val)
			if err == nil && n < 0 {
				err = fmt.Errorf("negative")
			}
		default:
			switch val {
			case "deny-all":
				deny = true
			case "permissive":
			default:
				err = fmt.Errorf("want deny-all or permissive")
			}
		}
		if err != nil {
			return fmt.Errorf("invalid value %s", w)
		}
		if p.given&(1<<i) != 0 {
			continue
		}
		// A word switches the penalties on, whatever yes or no said
		// before or says after (OpenSSH's servconf.c).
		p.given |= 1<<i | penaltyEnabledBit
		p.Enabled = true
		switch {
		case pw.dur != nil:
			*pw.dur(p) = d
		case pw.num != nil:
			*pw.num(p) = n
		default:
			*pw.deny(p) = deny
			// overflow6 follows overflow unless it was given itself.
			if name == "overflow" && p.given&(1<<penaltyIndex("overflow6")) == 0 {
				p.DenyAll6 = deny
			}
		}
	}
	return nil
}

func penaltyIndex(name string) int {
	for i, pw := range penaltyWords {
		if pw.name == name {
			return i
		}
	}
	return -1
}

// setPerSourceMaxStartups: none (0) or a number of unauthenticated
// connections per source. OpenSSH takes 0 too, and then refuses every
// connection; sshbox refuses the line instead.
func setPerSourceMaxStartups(o *ServerOptions, a []string, _ bool) error {
	if err := oneArg(a); err != nil {
		return err
	}
	if a[0] == "none" {
		o.PerSourceMaxStartups = 0
		return nil
	}
	n, err := strconv.Atoi(a[0])
	if err != nil || n < 1 {
		return fmt.Errorf("integer value %q invalid", a[0])
	}
	o.PerSourceMaxStartups = n
	return nil
}

// setNetBlockSize: the prefix lengths that group IPv4 and IPv6 sources,
// "V4[:V6]".
func setNetBlockSize(o *ServerOptions, a []string, _ bool) error {
	if err := oneArg(a); err != nil {
		return err
	}
	s4, s6, two := strings.Cut(a[0], ":")
	v4, err4 := strconv.Atoi(s4)
	v6 := o.PerSourceNetBlockSize[1]
	var err6 error
	if two {
		v6, err6 = strconv.Atoi(s6)
	}
	if err4 != nil || err6 != nil || v4 < 0 || v4 > 32 || v6 < 0 || v6 > 128 {
		return fmt.Errorf("invalid value %q", a[0])
	}
	o.PerSourceNetBlockSize = [2]int{v4, v6}
	return nil
}

// setPenaltyExempt: the address list (patterns and CIDR blocks) of
// sources never penalised; none for no list.
func setPenaltyExempt(o *ServerOptions, a []string, _ bool) error {
	if err := oneArg(a); err != nil {
		return err
	}
	if a[0] == "none" {
		o.PerSourcePenaltyExemptList = ""
		return nil
	}
	if matchAddrList("", a[0]) == -2 {
		return fmt.Errorf("invalid address argument %q", a[0])
	}
	o.PerSourcePenaltyExemptList = a[0]
	return nil
}

// MatchAddrList is sshd's address list match (Match Address,
// PerSourcePenaltyExemptList): 1 when addr matches, -1 when a negated
// entry does, 0 when none does, -2 when the list has a malformed CIDR
// block.
func MatchAddrList(addr, list string) int { return matchAddrList(addr, list) }
