// Package rx matches whole strings against regular expressions written in
// the subset of Go's regexp syntax that configfmt translates the ssh2
// dialect's host patterns into: literals and escaped punctuation, '.',
// bracketed sets with ranges, negation and POSIX classes, '*', '+', '?'
// and {n,m} (each optionally followed by the lazy '?', which changes
// nothing for a yes-or-no match), '|', '(' ')', '^' and '$'.
//
// It exists so that the binary carries no regexp package: regexp,
// regexp/syntax and the Unicode tables its character classes reach were
// about 230 KiB of the release binary, 60 KiB of its xz figure, for a
// handful of host patterns in the ssh2 dialect's files.
//
// What it accepts it reads as Go's regexp reads it (rx_test.go compares
// the two on every pattern the translations can produce), and what Go's
// regexp refuses it refuses with the same words (ErrorCode's). It refuses
// three things Go's regexp reads, none of which the translations produce:
// "(?" (Go's flags and named groups), an escape with a letter or digit
// (\d, \x41, \pL), and an expression whose program would pass maxInsts.
// It matches bytes, not runes, and folds case in ASCII only: the strings
// it is given are IP addresses and host names that Go's resolver
// accepted, which are ASCII. Matching runs a Pike VM (Thompson's
// simulation of the automaton), so its time is linear in the string for a
// given expression, whatever the expression.
package rx

import "strings"

// Regexp is a compiled expression.
type Regexp struct {
	prog []inst
}

type opcode uint8

const (
	opByte  opcode = iota // one byte in set
	opSplit               // to x and y
	opJmp                 // to x
	opBegin               // empty, at the start of the string
	opEnd                 // empty, at the end of the string
	opMatch
)

type inst struct {
	op   opcode
	x, y int
	set  *byteSet
}

// byteSet is a set of bytes, one bit each.
type byteSet [4]uint64

func (s *byteSet) add(lo, hi byte) {
	for c := int(lo); c <= int(hi); c++ {
		s[c>>6] |= 1 << (c & 63)
	}
}

func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

// fold adds the other case of every ASCII letter in s.
func (s *byteSet) fold() {
	for c := byte('A'); c <= 'Z'; c++ {
		if s.has(c) || s.has(c+'a'-'A') {
			s.add(c, c)
			s.add(c+'a'-'A', c+'a'-'A')
		}
	}
}

func (s *byteSet) union(t *byteSet) {
	for i := range s {
		s[i] |= t[i]
	}
}

func (s *byteSet) negate() {
	for i := range s {
		s[i] = ^s[i]
	}
}

// Error is a refused expression: Code in Go's regexp/syntax words, Expr
// the part of the expression it is about.
type Error struct {
	Code string
	Expr string
}

func (e *Error) Error() string { return "error parsing regexp: " + e.Code + ": `" + e.Expr + "`" }

// The refusals, as regexp/syntax's ErrorCode words them.
const (
	ErrInvalidCharRange      = "invalid character class range"
	ErrInvalidEscape         = "invalid escape sequence"
	ErrInvalidRepeatOp       = "invalid nested repetition operator"
	ErrInvalidRepeatSize     = "invalid repeat count"
	ErrMissingBracket        = "missing closing ]"
	ErrMissingParen          = "missing closing )"
	ErrMissingRepeatArgument = "missing argument to repetition operator"
	ErrTrailingBackslash     = "trailing backslash at end of expression"
	ErrUnexpectedParen       = "unexpected )"
	ErrNestingDepth          = "expression nests too deeply"
	ErrLarge                 = "expression too large"
)

const (
	maxRepeat = 1000   // Go's limit on a count, and on nested counts multiplied
	maxDepth  = 1000   // Go's limit on nesting
	maxInsts  = 100000 // the program; Go's own limit is higher
)

// node is the parsed expression.
type node struct {
	kind     nodeKind
	set      *byteSet // kSet
	subs     []*node  // kConcat, kAlt; kRepeat's one
	min, max int      // kRepeat; max -1 is unbounded
	counted  bool     // kRepeat written {n,m}
}

type nodeKind uint8

const (
	kSet nodeKind = iota
	kBegin
	kEnd
	kConcat
	kAlt
	kRepeat
)

// Compile parses expr, folding ASCII case if fold is set.
func Compile(expr string, fold bool) (*Regexp, error) {
	p := &parser{s: expr, fold: fold}
	n, err := p.alternation(0)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.s) { // only a ')' stops alternation at depth 0
		return nil, &Error{ErrUnexpectedParen, expr}
	}
	c := compiler{}
	if err := c.emit(n); err != nil {
		return nil, &Error{ErrLarge, expr}
	}
	c.prog = append(c.prog, inst{op: opMatch})
	return &Regexp{prog: c.prog}, nil
}

type parser struct {
	s    string
	i    int
	fold bool
}

func (p *parser) alternation(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &Error{ErrNestingDepth, p.s}
	}
	var alts []*node
	for {
		n, err := p.concat(depth)
		if err != nil {
			return nil, err
		}
		alts = append(alts, n)
		if p.i >= len(p.s) || p.s[p.i] != '|' {
			break
		}
		p.i++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &node{kind: kAlt, subs: alts}, nil
}

func (p *parser) concat(depth int) (*node, error) {
	var items []*node
	lastRepeat := -1 // where the repetition operator just read began
	for p.i < len(p.s) {
		start := p.i
		c := p.s[p.i]
		switch c {
		case '|', ')':
			return &node{kind: kConcat, subs: items}, nil
		case '*', '+', '?', '{':
			min, max, counted := 0, -1, false
			end := p.i + 1
			switch c {
			case '+':
				min = 1
			case '?':
				max = 1
			case '{':
				var ok bool
				min, max, end, ok = parseRepeat(p.s, p.i)
				if !ok { // not a repetition: a literal '{'
					items = append(items, p.literal('{'))
					p.i++
					lastRepeat = -1
					continue
				}
				if min < 0 || min > maxRepeat || max > maxRepeat || max >= 0 && min > max {
					return nil, &Error{ErrInvalidRepeatSize, p.s[start:end]}
				}
				counted = true
			}
			if end < len(p.s) && p.s[end] == '?' {
				end++ // lazy: the same strings match
			}
			if lastRepeat >= 0 {
				return nil, &Error{ErrInvalidRepeatOp, p.s[lastRepeat:end]}
			}
			if len(items) == 0 {
				return nil, &Error{ErrMissingRepeatArgument, p.s[start:end]}
			}
			r := &node{kind: kRepeat, subs: []*node{items[len(items)-1]}, min: min, max: max, counted: counted}
			if counted && (min >= 2 || max >= 2) && !repeatValid(r, maxRepeat) {
				return nil, &Error{ErrInvalidRepeatSize, p.s[start:end]}
			}
			items[len(items)-1] = r
			p.i = end
			lastRepeat = start
			continue
		case '(':
			if p.i+1 < len(p.s) && p.s[p.i+1] == '?' {
				return nil, &Error{ErrMissingRepeatArgument, p.s[p.i : p.i+2]}
			}
			p.i++
			n, err := p.alternation(depth + 1)
			if err != nil {
				return nil, err
			}
			if p.i >= len(p.s) {
				return nil, &Error{ErrMissingParen, p.s}
			}
			p.i++ // ')'
			items = append(items, n)
		case '[':
			n, err := p.class()
			if err != nil {
				return nil, err
			}
			items = append(items, n)
		case '.':
			s := new(byteSet)
			s.add(0, 0xff)
			s[0] &^= 1 << '\n'
			items = append(items, &node{kind: kSet, set: s})
			p.i++
		case '^':
			items = append(items, &node{kind: kBegin})
			p.i++
		case '$':
			items = append(items, &node{kind: kEnd})
			p.i++
		case '\\':
			b, next, err := escape(p.s, p.i)
			if err != nil {
				return nil, err
			}
			items = append(items, p.literal(b))
			p.i = next
		default:
			items = append(items, p.literal(c))
			p.i++
		}
		lastRepeat = -1
	}
	return &node{kind: kConcat, subs: items}, nil
}

func (p *parser) literal(c byte) *node {
	return &node{kind: kSet, set: p.set(string([]byte{c, c}), false)}
}

// set is the bytes of ranges (pairs of range ends), with the other case
// of each letter when folding, then negated if negate: Go folds a class
// before it negates it.
func (p *parser) set(ranges string, negate bool) *byteSet {
	s := new(byteSet)
	for j := 0; j+1 < len(ranges); j += 2 {
		s.add(ranges[j], ranges[j+1])
	}
	if p.fold {
		s.fold()
	}
	if negate {
		s.negate()
	}
	return s
}

// escape reads "\c" at s[i]: punctuation stands for itself; Go's escapes
// with letters and digits (\d, \x41, \pL...) are not in the subset.
func escape(s string, i int) (byte, int, error) {
	if i+1 >= len(s) {
		return 0, 0, &Error{ErrTrailingBackslash, ""}
	}
	c := s[i+1]
	if c < 0x80 && !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return c, i + 2, nil
	}
	return 0, 0, &Error{ErrInvalidEscape, s[i : i+2]}
}

// parseRepeat reads {n}, {n,} or {n,m} at s[i] as Go does: a '{' that
// does not start one is a literal; n and m have no leading zeros, and one
// too large to read is -1 (then refused).
func parseRepeat(s string, i int) (min, max, end int, ok bool) {
	i++
	min, i, ok = parseInt(s, i)
	if !ok || i >= len(s) {
		return 0, 0, 0, false
	}
	if s[i] != ',' {
		max = min
	} else {
		i++
		if i >= len(s) {
			return 0, 0, 0, false
		}
		if s[i] == '}' {
			max = -1
		} else if max, i, ok = parseInt(s, i); !ok {
			return 0, 0, 0, false
		} else if max < 0 {
			min = -1
		}
	}
	if i >= len(s) || s[i] != '}' {
		return 0, 0, 0, false
	}
	return min, max, i + 1, true
}

func parseInt(s string, i int) (n, next int, ok bool) {
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start || i-start > 1 && s[start] == '0' {
		return 0, 0, false
	}
	if i-start >= 8 {
		return -1, i, true // too large, as Go's parseInt says
	}
	for _, c := range s[start:i] {
		n = n*10 + int(c-'0')
	}
	return n, i, true
}

// repeatValid: nested counted repetitions multiply to at most n copies of
// what is innermost (Go's repeatIsValid).
func repeatValid(r *node, n int) bool {
	if r.kind == kRepeat && r.counted {
		m := r.max
		if m == 0 {
			return true
		}
		if m < 0 {
			m = r.min
		}
		if m > n {
			return false
		}
		if m > 0 {
			n /= m
		}
	}
	for _, sub := range r.subs {
		if !repeatValid(sub, n) {
			return false
		}
	}
	return true
}

// posixClass is one of Go's ASCII classes ([[:alpha:]]) as pairs of range
// ends.
func posixClass(name string) (ranges string, ok bool) {
	switch name {
	case "alnum":
		return "09AZaz", true
	case "alpha":
		return "AZaz", true
	case "ascii":
		return "\x00\x7f", true
	case "blank":
		return "\t\t  ", true
	case "cntrl":
		return "\x00\x1f\x7f\x7f", true
	case "digit":
		return "09", true
	case "graph":
		return "!~", true
	case "lower":
		return "az", true
	case "print":
		return " ~", true
	case "punct":
		return "!/:@[`{~", true
	case "space":
		return "\t\r  ", true
	case "upper":
		return "AZ", true
	case "word":
		return "09AZaz__", true
	case "xdigit":
		return "09AFaf", true
	}
	return "", false
}

// class reads a bracketed set at s[i] == '[' as Go's parseClass does.
func (p *parser) class() (*node, error) {
	s := p.s
	start := p.i
	i := p.i + 1
	set := new(byteSet)
	negate := false
	if i < len(s) && s[i] == '^' {
		negate = true
		i++
	}
	first := i
	for i >= len(s) || s[i] != ']' || i == first {
		if i >= len(s) {
			return nil, &Error{ErrMissingBracket, s[start:]}
		}
		if i+2 < len(s) && s[i] == '[' && s[i+1] == ':' {
			end := strings.Index(s[i+2:], ":]")
			if end >= 0 {
				name := s[i+2 : i+2+end]
				neg := strings.HasPrefix(name, "^")
				ranges, ok := posixClass(strings.TrimPrefix(name, "^"))
				if !ok {
					return nil, &Error{ErrInvalidCharRange, s[i : i+2+end+2]}
				}
				set.union(p.set(ranges, neg))
				i += 2 + end + 2
				continue
			}
		}
		rangeStart := i
		lo, next, err := classChar(s, i, start)
		if err != nil {
			return nil, err
		}
		i = next
		hi := lo
		if i+1 < len(s) && s[i] == '-' && s[i+1] != ']' {
			hi, next, err = classChar(s, i+1, start)
			if err != nil {
				return nil, err
			}
			i = next
			if hi < lo {
				return nil, &Error{ErrInvalidCharRange, s[rangeStart:i]}
			}
		}
		set.union(p.set(string([]byte{lo, hi}), false))
	}
	if negate {
		set.negate()
	}
	p.i = i + 1
	return &node{kind: kSet, set: set}, nil
}

func classChar(s string, i, classStart int) (byte, int, error) {
	if i >= len(s) {
		return 0, 0, &Error{ErrMissingBracket, s[classStart:]}
	}
	if s[i] == '\\' {
		return escape(s, i)
	}
	return s[i], i + 1, nil
}

type compiler struct {
	prog []inst
}

var errLarge = &Error{Code: ErrLarge}

func (c *compiler) add(in inst) (int, error) {
	if len(c.prog) >= maxInsts {
		return 0, errLarge
	}
	c.prog = append(c.prog, in)
	return len(c.prog) - 1, nil
}

// emit appends n's program; it falls through to what follows.
func (c *compiler) emit(n *node) error {
	switch n.kind {
	case kSet:
		_, err := c.add(inst{op: opByte, set: n.set})
		return err
	case kBegin:
		_, err := c.add(inst{op: opBegin})
		return err
	case kEnd:
		_, err := c.add(inst{op: opEnd})
		return err
	case kConcat:
		for _, sub := range n.subs {
			if err := c.emit(sub); err != nil {
				return err
			}
		}
	case kAlt:
		// split L1, next; L1: sub0; jmp end; next: split L2, next2; ... last sub
		var jumps []int
		for k, sub := range n.subs {
			if k == len(n.subs)-1 {
				if err := c.emit(sub); err != nil {
					return err
				}
				break
			}
			split, err := c.branch(sub)
			if err != nil {
				return err
			}
			j, err := c.add(inst{op: opJmp})
			if err != nil {
				return err
			}
			jumps = append(jumps, j)
			c.prog[split].y = len(c.prog)
		}
		for _, j := range jumps {
			c.prog[j].x = len(c.prog)
		}
	case kRepeat:
		sub := n.subs[0]
		for k := 0; k < n.min; k++ {
			if err := c.emit(sub); err != nil {
				return err
			}
		}
		if n.max < 0 {
			// L: split body, out; body; jmp L
			split, err := c.branch(sub)
			if err != nil {
				return err
			}
			if _, err := c.add(inst{op: opJmp, x: split}); err != nil {
				return err
			}
			c.prog[split].y = len(c.prog)
			return nil
		}
		// (sub (sub (...)?)?)? for the optional copies.
		var splits []int
		for k := n.min; k < n.max; k++ {
			split, err := c.branch(sub)
			if err != nil {
				return err
			}
			splits = append(splits, split)
		}
		for _, s := range splits {
			c.prog[s].y = len(c.prog)
		}
	}
	return nil
}

// branch emits "split L, ?; L: sub" and returns the split, whose other
// way (y) the caller sets.
func (c *compiler) branch(sub *node) (int, error) {
	split, err := c.add(inst{op: opSplit})
	if err != nil {
		return 0, err
	}
	c.prog[split].x = len(c.prog)
	return split, c.emit(sub)
}

// MatchString reports whether the whole of s matches.
func (re *Regexp) MatchString(s string) bool {
	n := len(re.prog)
	cur, next := newThreads(n), newThreads(n)
	cur.add(re.prog, 0, 0, len(s))
	for i := 0; i < len(s) && len(cur.dense) > 0; i++ {
		next.clear()
		for _, pc := range cur.dense {
			in := &re.prog[pc]
			if in.op == opByte && in.set.has(s[i]) {
				next.add(re.prog, pc+1, i+1, len(s))
			}
		}
		cur, next = next, cur
	}
	for _, pc := range cur.dense {
		if re.prog[pc].op == opMatch {
			return true
		}
	}
	return false
}

// threads is a sparse set of program counters: the automaton's states at
// one position of the string.
type threads struct {
	sparse []int
	dense  []int
	stack  []int
}

func newThreads(n int) *threads {
	return &threads{sparse: make([]int, n), dense: make([]int, 0, n)}
}

func (t *threads) clear() { t.dense = t.dense[:0] }

func (t *threads) has(pc int) bool {
	j := t.sparse[pc]
	return j < len(t.dense) && t.dense[j] == pc
}

// add puts pc and every state reachable from it without reading a byte,
// at position pos of a string of length end, into t.
func (t *threads) add(prog []inst, pc, pos, end int) {
	t.stack = append(t.stack[:0], pc)
	for len(t.stack) > 0 {
		pc := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		if t.has(pc) {
			continue
		}
		t.sparse[pc] = len(t.dense)
		t.dense = append(t.dense, pc)
		in := &prog[pc]
		switch in.op {
		case opSplit:
			t.stack = append(t.stack, in.y, in.x)
		case opJmp:
			t.stack = append(t.stack, in.x)
		case opBegin:
			if pos == 0 {
				t.stack = append(t.stack, pc+1)
			}
		case opEnd:
			if pos == end {
				t.stack = append(t.stack, pc+1)
			}
		}
	}
}
