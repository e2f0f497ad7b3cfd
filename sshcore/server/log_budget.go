package server

import (
	"fmt"
	"sync"

	"sshbox/sshcore/loglevel"
)

// logBudget is how many lines of one kind (one format) a connection may
// write for refusals before the rest are only counted. A client can make
// sshd refuse things as fast as it can send packets; without a budget one
// connection could fill the disk or drown every other line in the log.
const logBudget = 10

// msgRepeated summarises the refusals past the budget, in the words
// syslog daemons use for the same purpose.
const msgRepeated = "message repeated %d times: [ %s]"

// refusalLog counts the refusal lines of one connection by format.
// It has a lock of its own: refusals are logged with conn.mu held.
type refusalLog struct {
	mu    sync.Mutex
	kinds map[string]*refusalKind
	order []string // formats in the order they first came, for the summary
}

type refusalKind struct {
	level      loglevel.Level
	logged     int
	suppressed int
	last       string // the last line not written
}

// refused logs a refusal at level INFO within the connection's budget.
func (c *conn) refused(format string, args ...any) {
	c.refusedAt(loglevel.Info, format, args...)
}

// refusedAt logs one refusal of the client's: the first logBudget lines of
// each kind as they come, the others counted and summarised when the
// connection ends (flushRefusals).
func (c *conn) refusedAt(level loglevel.Level, format string, args ...any) {
	c.refusals.mu.Lock()
	if c.refusals.kinds == nil {
		c.refusals.kinds = map[string]*refusalKind{}
	}
	k, ok := c.refusals.kinds[format]
	if !ok {
		k = &refusalKind{level: level}
		c.refusals.kinds[format] = k
		c.refusals.order = append(c.refusals.order, format)
	}
	write := k.logged < logBudget
	if write {
		k.logged++
	} else {
		k.suppressed++
		k.last = fmt.Sprintf(format, args...)
	}
	c.refusals.mu.Unlock()
	if write {
		c.srv.log().logf(level, format, args...)
	}
}

// flushRefusals writes one summary line per kind of refusal that went
// past the budget.
func (c *conn) flushRefusals() {
	c.refusals.mu.Lock()
	var lines []refusalKind
	for _, f := range c.refusals.order {
		if k := c.refusals.kinds[f]; k.suppressed > 0 {
			lines = append(lines, *k)
			k.suppressed = 0
		}
	}
	c.refusals.mu.Unlock()
	for _, k := range lines {
		c.srv.log().logf(k.level, msgRepeated, k.suppressed, k.last)
	}
}
