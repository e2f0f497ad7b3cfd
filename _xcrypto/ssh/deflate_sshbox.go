// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// deflater is the outgoing stream: RFC 1950's header, then RFC 1951
// blocks, each packet ending in a partial flush as zlib's Z_PARTIAL_FLUSH
// ends OpenSSH's (an empty fixed-code block, whose last bits go out with
// the next packet): everything the packet carries can be decoded from its
// bytes, for a byte or two of flush.
//
// It is sshbox's own, not Go's compress/flate: that writer takes 780 KiB a
// stream at every level (its tables are sized for the slowest), and sshd
// keeps a stream for each connection that asked for compression, busy or
// idle; it can only sync flush, 4-5 bytes a packet (on 100-byte packets
// its output was a fifth larger than zlib's); and it made the binary
// 36 KiB larger than this file does. This one keeps 32 KiB of history in a
// 64 KiB buffer with 16384 hash heads and a 32 Ki chain (224 KiB in all;
// zlib's level 6, OpenSSH's, takes 256), finds matches as zlib's middle
// levels do (hash chains, one step of lazy matching), and gives each block
// the cheapest of stored, fixed and dynamic codes. On text its output is
// within 2 % of zlib's level 6, and it is as fast or faster (on log text
// 208 MB/s against zlib's 207, on Go sources 49 against 37). With 8192
// heads (more positions share each chain) it was slower on every input
// and compressed less; 32768 were slower on log text again.
type deflater struct {
	hist   []byte  // the last windowSize bytes or more, then the packet
	base   uint32  // stream position of hist[0], modulo 2^32 (for prev)
	t      *chains // nil while the stream's first literalBytes go as literals
	sent   int     // bytes sent as literals
	tokens []uint32
	start  int // hist index where the current block's bytes begin
	bw     bitWriter
	header bool // the zlib header is written
}

// chains index the history by the hash of each position's next three
// bytes. They are made once the stream has carried literalBytes, so that a
// connection that sends little (an idle one: keepalives, a global request)
// never has them: an idle compressing connection costs sshd 30 KiB less.
type chains struct {
	head [1 << deflateHashBits]int32 // last hist index with each hash, plus one; 0: none
	prev [windowSize]uint16          // by stream position: distance to the last one with its hash, 0: none
}

const (
	windowSize      = 1 << 15
	deflateHashBits = 14
	minMatch        = 3
	maxMatch        = 258
	maxChain        = 32   // positions tried per match
	niceMatch       = 64   // a match this long ends the search
	goodMatch       = 8    // after a match this long, a quarter of the chain is tried
	lazyMatch       = 16   // a shorter match is tried one byte later too
	blockTokens     = 8192 // tokens per block, which bounds the token buffer
	literalBytes    = 4096 // the stream's first bytes, sent as literals without chains
	endOfBlock      = 256
)

// A token is a literal byte, or a match: matchFlag, length-3 in bits
// 16-23, distance-1 in bits 0-15.
const matchFlag = 1 << 31

func newDeflater() *deflater {
	return &deflater{}
}

// hash3 hashes three bytes, the first in the low bits: taken the other way
// round, log text deflated 8 % slower (BenchmarkDeflate).
func hash3(b []byte) uint32 {
	_ = b[2]
	return (uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16) * 0x9E3779B1 >> (32 - deflateHashBits)
}

// packet deflates p and returns the bytes to send, valid until the next
// call.
func (d *deflater) packet(p []byte) []byte {
	d.bw.out = d.bw.out[:0]
	if !d.header {
		// Deflate with a 32 KiB window, default level, no dictionary.
		d.bw.out = append(d.bw.out, 0x78, 0x9c)
		d.header = true
	}
	for len(p) > 0 {
		n := min(len(p), windowSize)
		switch {
		case d.t == nil && d.sent+n <= literalBytes:
			d.sent += n
			d.literals(p[:n])
		default:
			if d.t == nil {
				d.t = new(chains)
			}
			d.compress(p[:n])
		}
		p = p[n:]
	}
	// The partial flush: an empty block with fixed codes (not final, type
	// 01, then end-of-block, seven zero bits), and out go the whole bytes.
	d.bw.write(2, 3)
	d.bw.write(0, 7)
	d.bw.flushBytes()
	return d.bw.out
}

// literals writes p as one block of literals (fixed codes, or stored).
func (d *deflater) literals(p []byte) {
	for _, b := range p {
		d.tokens = append(d.tokens, uint32(b))
	}
	d.block(p)
}

// compress appends p (at most windowSize bytes) to the history and writes
// it as blocks.
func (d *deflater) compress(p []byte) {
	if len(d.hist)+len(p) > 2*windowSize {
		// Keep the last window; the hash heads move with it.
		drop := len(d.hist) - windowSize
		copy(d.hist, d.hist[drop:])
		d.hist = d.hist[:windowSize]
		d.base += uint32(drop)
		for i, h := range d.t.head {
			d.t.head[i] = max(h-int32(drop), 0)
		}
	}
	i := len(d.hist)
	d.hist = append(d.hist, p...)
	end := len(d.hist)
	d.start = i
	// One step of lazy matching: the match (or literal) found at i-1 waits
	// while i is tried, and a longer match at i turns it into a literal.
	pending, prevLen, prevDist := false, 0, 0
	for i < end {
		curLen, curDist := 0, 0
		if end-i >= minMatch {
			hv := hash3(d.hist[i:])
			if !pending || prevLen < lazyMatch {
				curLen, curDist = d.longest(i, end, hv)
			}
			d.insertHash(i, hv)
		}
		if pending && prevLen >= minMatch && curLen <= prevLen {
			d.emit(matchFlag | uint32(prevLen-minMatch)<<16 | uint32(prevDist-1))
			next := i - 1 + prevLen
			for j := i + 1; j < next && end-j >= minMatch; j++ {
				d.insert(j)
			}
			i, pending = next, false
			continue
		}
		if pending {
			d.emit(uint32(d.hist[i-1]))
		}
		pending, prevLen, prevDist = true, curLen, curDist
		i++
	}
	if pending {
		d.emit(uint32(d.hist[end-1]))
	}
	d.block(d.hist[d.start:end])
}

// emit adds a token, ending the block when it is full. Blocks end only
// between tokens, so the bytes a block covers are known from the tokens.
func (d *deflater) emit(t uint32) {
	d.tokens = append(d.tokens, t)
	if len(d.tokens) >= blockTokens {
		d.block(d.hist[d.start : d.start+coverage(d.tokens)])
	}
}

func coverage(tokens []uint32) int {
	n := 0
	for _, t := range tokens {
		if t&matchFlag != 0 {
			n += int(t>>16&0xff) + minMatch
		} else {
			n++
		}
	}
	return n
}

// insert adds position i of hist to the hash chains.
func (d *deflater) insert(i int) { d.insertHash(i, hash3(d.hist[i:])) }

func (d *deflater) insertHash(i int, h uint32) {
	t := d.t
	h &= 1<<deflateHashBits - 1
	old := int(t.head[h]) - 1
	dist := i - old
	if old < 0 || dist >= windowSize {
		dist = 0
	}
	t.prev[(d.base+uint32(i))&(windowSize-1)] = uint16(dist)
	t.head[h] = int32(i + 1)
}

// longest finds the longest match for hist[i:end] in the window, by the
// hash chain of its first three bytes. Positions up to i-1 are indexed, so
// no chain link followed here has been overwritten by a newer position.
func (d *deflater) longest(i, end int, hv uint32) (length, dist int) {
	h := d.hist
	limit := min(maxMatch, end-i)
	cur := h[i : i+limit]
	j := int(d.t.head[hv]) - 1
	for chain := maxChain; j >= 0 && chain > 0; chain-- {
		back := i - j
		if back > windowSize {
			break
		}
		if h[j+length] == cur[length] {
			n := matchLen(h[j:j+limit], cur)
			if n > length {
				length, dist = n, back
				if n >= niceMatch || n == limit {
					break
				}
				if n >= goodMatch && chain > maxChain/4 {
					// Good enough: look less hard for better, as zlib does.
					chain = maxChain / 4
				}
			}
		}
		step := d.t.prev[(d.base+uint32(j))&(windowSize-1)]
		if step == 0 {
			break
		}
		j -= int(step)
	}
	if length < minMatch {
		return 0, 0
	}
	return length, dist
}

// matchLen is how many leading bytes a and b (no longer than a) share,
// compared eight at a time.
func matchLen(a, b []byte) int {
	n := 0
	for ; len(b)-n >= 8; n += 8 {
		if x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:]); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
	}
	for n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// lengthSymbol and distSymbol give a match's code (RFC 1951 3.2.5).
func lengthSymbol(length int) int {
	x := length - minMatch
	switch {
	case length == maxMatch:
		return 28
	case x < 8:
		return x
	}
	nb := bits.Len(uint(x)) - 3
	return 4*nb + (x>>nb)&3 + 4
}

func distSymbol(dist int) int {
	x := dist - 1
	if x < 4 {
		return x
	}
	nb := bits.Len(uint(x)) - 2
	return 2*nb + (x>>nb)&1 + 2
}

// block writes the tokens, which stand for raw, as one block of whichever
// of the three kinds is shortest.
func (d *deflater) block(raw []byte) {
	if len(d.tokens) == 0 {
		return
	}
	var litFreq [286]uint32
	var distFreq [30]uint32
	extra := 0 // the extra bits of lengths and distances, the same in either code
	for _, t := range d.tokens {
		if t&matchFlag == 0 {
			litFreq[t]++
			continue
		}
		l, s := int(t>>16&0xff)+minMatch, int(t&0xffff)+1
		ls, ds := lengthSymbol(l), distSymbol(s)
		litFreq[257+ls]++
		distFreq[ds]++
		extra += int(lengthExtra[ls]) + int(distExtra[ds])
	}
	litFreq[endOfBlock] = 1

	litLen := huffmanLengths(litFreq[:], 15)
	distLen := huffmanLengths(distFreq[:], 15)
	var hdr dynamicHeader
	hdr.build(litLen, distLen)

	fixedLit, fixedDist := fixedLengths()
	fixedBits := 3 + extra + cost(litFreq[:], fixedLit[:]) + cost(distFreq[:], fixedDist[:])
	dynBits := 3 + hdr.bits + extra + cost(litFreq[:], litLen) + cost(distFreq[:], distLen)
	n := len(raw)
	storedBits := 3 + int(7-(d.bw.n+2)%8) + 32 + 8*n

	switch {
	case n <= 0xffff && storedBits <= fixedBits && storedBits <= dynBits:
		d.bw.write(0, 3)
		d.bw.alignToByte()
		d.bw.write(uint32(n), 16)
		d.bw.write(^uint32(n)&0xffff, 16)
		d.bw.flushBytes()
		d.bw.out = append(d.bw.out, raw...)
	case fixedBits <= dynBits:
		d.bw.write(2, 3)
		d.writeTokens(fixedLit[:], fixedDist[:])
	default:
		d.bw.write(4, 3)
		hdr.write(&d.bw)
		d.writeTokens(litLen, distLen)
	}
	d.tokens = d.tokens[:0]
	d.start += n
}

func cost(freq []uint32, lengths []uint8) int {
	n := 0
	for i, f := range freq {
		n += int(f) * int(lengths[i])
	}
	return n
}

func (d *deflater) writeTokens(litLen, distLen []uint8) {
	lit, dist := canonicalCodes(litLen), canonicalCodes(distLen)
	w := &d.bw
	for _, t := range d.tokens {
		if t&matchFlag == 0 {
			w.write(uint32(lit[t]), uint(litLen[t]))
			continue
		}
		l, s := int(t>>16&0xff)+minMatch, int(t&0xffff)+1
		ls, ds := lengthSymbol(l), distSymbol(s)
		// Each code with its extra bits in one write: at most 15+5 and
		// 15+13 bits.
		n := uint(litLen[257+ls])
		w.write(uint32(lit[257+ls])|uint32(l-int(lengthBase[ls]))<<n, n+uint(lengthExtra[ls]))
		n = uint(distLen[ds])
		w.write(uint32(dist[ds])|uint32(s-int(distBase[ds]))<<n, n+uint(distExtra[ds]))
	}
	w.write(uint32(lit[endOfBlock]), uint(litLen[endOfBlock]))
}

// The fixed codes' lengths: 288 literal/length codes, though 286 and 287
// never occur, since the canonical codes count them.
var fixedLitLen, fixedDistLen = func() (l [288]uint8, dl [30]uint8) {
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	for i := range dl {
		dl[i] = 5
	}
	return
}()

func fixedLengths() (*[288]uint8, *[30]uint8) { return &fixedLitLen, &fixedDistLen }

// huffmanLengths gives each used symbol a code length of at most maxBits,
// Huffman's for the frequencies, halved until the longest fits. At least
// two symbols get a length, so that the code is complete (zlib refuses an
// incomplete literal code).
func huffmanLengths(freq []uint32, maxBits int) []uint8 {
	lengths := make([]uint8, len(freq))
	syms := make([]int, 0, len(freq))
	for s, f := range freq {
		if f > 0 {
			syms = append(syms, s)
		}
	}
	for len(syms) < 2 {
		// Pad with unused symbols: one code alone would be incomplete.
		for s := range freq {
			if freq[s] == 0 && (len(syms) == 0 || syms[0] != s) {
				syms = append(syms, s)
				break
			}
		}
	}
	n := len(syms)
	// One allocation for the work: the weights, the sort keys, and the
	// tree's nodes (leaves first, then the merges) with their parents and
	// depths.
	work := make([]int, 6*n)
	w, keys := work[:n], work[n:2*n]
	weight, parent, depth := work[2*n:4*n], work[4*n:6*n-1], work[4*n:6*n-1]
	for i, s := range syms {
		w[i] = int(max(freq[s], 1))
	}
	for {
		// Leaves in order of weight, ties in symbol order (the key's low
		// bits: at most 288 symbols); the internal nodes come out of the
		// merges in order of weight too, so two queues give the tree.
		for i := range keys {
			keys[i] = w[i]<<9 | i
		}
		slices.Sort(keys)
		for k, key := range keys {
			weight[k] = key >> 9
		}
		leaf, inner, next := 0, n, n
		take := func() int {
			if leaf < n && (inner >= next || weight[leaf] <= weight[inner]) {
				leaf++
				return leaf - 1
			}
			inner++
			return inner - 1
		}
		for k := 0; k < n-1; k++ {
			a, b := take(), take()
			weight[next] = weight[a] + weight[b]
			parent[a], parent[b] = next, next
			next++
		}
		// Depths from the root (the last node) down; parent and depth
		// share their slots, each read before it is overwritten.
		depth[next-1] = 0
		longest := 0
		for k := next - 2; k >= 0; k-- {
			depth[k] = depth[parent[k]] + 1
		}
		for k, key := range keys {
			d := depth[k]
			lengths[syms[key&511]] = uint8(min(d, 255))
			longest = max(longest, d)
		}
		if longest <= maxBits {
			return lengths
		}
		for i := range w {
			w[i] = (w[i] + 1) / 2
		}
	}
}

// canonicalCodes gives each symbol its code (RFC 1951 3.2.2), bit-reversed
// for writing least significant bit first.
func canonicalCodes(lengths []uint8) []uint16 {
	var count, next [16]uint16
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	code := uint16(0)
	for b := 1; b < 16; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	codes := make([]uint16, len(lengths))
	for s, l := range lengths {
		if l != 0 {
			codes[s] = bits.Reverse16(next[l]) >> (16 - l)
			next[l]++
		}
	}
	return codes
}

// dynamicHeader is a dynamic block's description of its codes (RFC 1951
// 3.2.7): the code lengths, run-length coded, in a code of their own.
type dynamicHeader struct {
	nlit, ndist, nclen int
	syms               []uint8 // code length symbols, 0-18
	extras             []uint8 // each symbol's repeat count, less its base
	clen               []uint8 // lengths of the code length code
	bits               int     // the header's size
}

func (h *dynamicHeader) build(litLen, distLen []uint8) {
	h.nlit, h.ndist = 286, 30
	for h.nlit > 257 && litLen[h.nlit-1] == 0 {
		h.nlit--
	}
	for h.ndist > 1 && distLen[h.ndist-1] == 0 {
		h.ndist--
	}
	all := append(append([]uint8(nil), litLen[:h.nlit]...), distLen[:h.ndist]...)
	var freq [19]uint32
	add := func(sym, extra uint8) {
		h.syms = append(h.syms, sym)
		h.extras = append(h.extras, extra)
		freq[sym]++
	}
	for i := 0; i < len(all); {
		l, run := all[i], 1
		for i+run < len(all) && all[i+run] == l {
			run++
		}
		i += run
		if l == 0 {
			for run >= 11 {
				n := min(run, 138)
				add(18, uint8(n-11))
				run -= n
			}
			if run >= 3 {
				add(17, uint8(run-3))
				run = 0
			}
		} else {
			add(l, 0)
			run--
			for run >= 3 {
				n := min(run, 6)
				add(16, uint8(n-3))
				run -= n
			}
		}
		for ; run > 0; run-- {
			add(l, 0)
		}
	}
	h.clen = huffmanLengths(freq[:], 7)
	h.nclen = 19
	for h.nclen > 4 && h.clen[codeLengthOrder[h.nclen-1]] == 0 {
		h.nclen--
	}
	h.bits = 5 + 5 + 4 + 3*h.nclen
	for _, s := range h.syms {
		h.bits += int(h.clen[s]) + int(repeatBits(s))
	}
}

// repeatBits is how many extra bits a code length symbol has.
func repeatBits(sym uint8) uint {
	switch sym {
	case 16:
		return 2
	case 17:
		return 3
	case 18:
		return 7
	}
	return 0
}

func (h *dynamicHeader) write(w *bitWriter) {
	w.write(uint32(h.nlit-257), 5)
	w.write(uint32(h.ndist-1), 5)
	w.write(uint32(h.nclen-4), 4)
	for _, s := range codeLengthOrder[:h.nclen] {
		w.write(uint32(h.clen[s]), 3)
	}
	codes := canonicalCodes(h.clen)
	for i, s := range h.syms {
		w.write(uint32(codes[s]), uint(h.clen[s]))
		w.write(uint32(h.extras[i]), repeatBits(s))
	}
}

// bitWriter packs bits least significant first, as deflate does.
type bitWriter struct {
	out  []byte
	bits uint64
	n    uint
}

func (w *bitWriter) write(v uint32, n uint) {
	w.bits |= uint64(v) << w.n
	w.n += n
	if w.n >= 32 {
		w.out = append(w.out, byte(w.bits), byte(w.bits>>8), byte(w.bits>>16), byte(w.bits>>24))
		w.bits >>= 32
		w.n -= 32
	}
}

// flushBytes writes out the whole bytes; fewer than eight bits stay.
func (w *bitWriter) flushBytes() {
	for w.n >= 8 {
		w.out = append(w.out, byte(w.bits))
		w.bits >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) alignToByte() {
	w.n = (w.n + 7) &^ 7
	w.flushBytes()
}
