// Package lzma decodes the .lzma format ("LZMA_Alone") that `xz
// --format=lzma` writes. The release build carries the man pages in it
// (internal/manpage/roff): 257 KiB of roff are 72 KiB of LZMA, and this
// decoder is about 4 KiB of code, where a general decompression library
// (github.com/ulikunitz/xz) would be ten times that, and deflate, whose
// inflater the standard library has, packs the pages to 84 KiB, which the
// xz-compressed binary cannot pack further.
//
// The decoder follows the LZMA specification (lzma-specification.txt in
// the LZMA SDK): a range coder over adaptive bit probabilities, literals
// coded against the previous byte, matches against four recent distances.
// It works on whole buffers: the input is in memory and the output is
// one slice, which is also the dictionary.
package lzma

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrCorrupt is returned for a stream that does not decode.
var ErrCorrupt = errors.New("lzma: corrupt data")

// headerLen: properties byte, dictionary size, uncompressed size.
const headerLen = 13

// Decode decompresses a whole .lzma stream. A stream whose header gives no
// size must end with the end marker; limit bounds the output either way, so
// that a short corrupt input cannot ask for gigabytes.
func Decode(src []byte, limit int) ([]byte, error) {
	if len(src) < headerLen {
		return nil, fmt.Errorf("lzma: %d bytes, shorter than the %d-byte header", len(src), headerLen)
	}
	props := int(src[0])
	if props >= 9*5*5 {
		return nil, fmt.Errorf("lzma: byte 0: properties %#x out of range", props)
	}
	d := decoder{lc: uint(props % 9), lp: uint(props / 9 % 5), pb: uint(props / 45)}
	// The specification reads a dictionary under 4 KiB as 4 KiB.
	d.dictSize = max(binary.LittleEndian.Uint32(src[1:5]), 1<<12)
	size := binary.LittleEndian.Uint64(src[5:13])
	d.sized = size != ^uint64(0)
	if d.sized {
		if size > uint64(limit) {
			return nil, fmt.Errorf("lzma: byte 5: %d bytes uncompressed, more than %d", size, limit)
		}
		d.remaining = int(size)
		d.out = make([]byte, 0, d.remaining)
	} else {
		d.remaining = limit
	}
	if err := d.rc.init(src[headerLen:]); err != nil {
		return nil, err
	}
	if err := d.run(); err != nil {
		return nil, err
	}
	return d.out, nil
}

// rangeDecoder is the arithmetic decoder under every bit of the stream.
type rangeDecoder struct {
	src  []byte
	pos  int
	rng  uint32
	code uint32
	bad  bool // read past the input, or a state no encoder makes: corrupt
}

const (
	probBits = 11
	probInit = 1 << probBits / 2
	moveBits = 5
	topValue = 1 << 24
)

type prob uint16

func (r *rangeDecoder) init(src []byte) error {
	if len(src) < 5 || src[0] != 0 {
		return ErrCorrupt
	}
	r.src, r.pos, r.rng = src, 5, 0xFFFFFFFF
	r.code = binary.BigEndian.Uint32(src[1:5])
	if r.code == r.rng {
		return ErrCorrupt
	}
	return nil
}

func (r *rangeDecoder) normalize() {
	if r.rng < topValue {
		r.rng <<= 8
		var b byte
		if r.pos < len(r.src) {
			b = r.src[r.pos]
		} else {
			r.bad = true
		}
		r.pos++
		r.code = r.code<<8 | uint32(b)
	}
}

func (r *rangeDecoder) bit(p *prob) uint32 {
	bound := (r.rng >> probBits) * uint32(*p)
	var b uint32
	if r.code < bound {
		*p += (1<<probBits - *p) >> moveBits
		r.rng = bound
	} else {
		*p -= *p >> moveBits
		r.code -= bound
		r.rng -= bound
		b = 1
	}
	r.normalize()
	return b
}

// direct reads n bits of equal probability.
func (r *rangeDecoder) direct(n uint) uint32 {
	var v uint32
	for ; n > 0; n-- {
		r.rng >>= 1
		r.code -= r.rng
		t := 0 - (r.code >> 31) // all ones when code went below zero
		r.code += r.rng & t
		if r.code == r.rng {
			r.bad = true
		}
		r.normalize()
		v = v<<1 + t + 1
	}
	return v
}

// tree reads n bits high first through a tree of probabilities (probs
// has 1<<n entries, the first unused).
func (r *rangeDecoder) tree(probs []prob, n uint) uint32 {
	m := uint32(1)
	for i := uint(0); i < n; i++ {
		m = m<<1 + r.bit(&probs[m])
	}
	return m - 1<<n
}

// reverse reads n bits low first through a tree of probabilities.
func (r *rangeDecoder) reverse(probs []prob, n uint) uint32 {
	m, v := uint32(1), uint32(0)
	for i := uint(0); i < n; i++ {
		b := r.bit(&probs[m])
		m = m<<1 + b
		v |= b << i
	}
	return v
}

const (
	states        = 12
	posBitsMax    = 4
	lenStates     = 4
	alignBits     = 4
	startPosModel = 4
	endPosModel   = 14
	fullDistances = 1 << (endPosModel >> 1)
	matchMinLen   = 2
)

// lenDecoder decodes a match length less matchMinLen: 0-7, 8-15 or 16-271.
type lenDecoder struct {
	choice, choice2 prob
	low, mid        [1 << posBitsMax][1 << 3]prob
	high            [1 << 8]prob
}

func (l *lenDecoder) decode(r *rangeDecoder, posState uint32) uint32 {
	if r.bit(&l.choice) == 0 {
		return r.tree(l.low[posState][:], 3)
	}
	if r.bit(&l.choice2) == 0 {
		return 8 + r.tree(l.mid[posState][:], 3)
	}
	return 16 + r.tree(l.high[:], 8)
}

type decoder struct {
	rc         rangeDecoder
	lc, lp, pb uint
	dictSize   uint32
	sized      bool // the header gave the size: the end marker is optional
	remaining  int  // bytes still to come, or the room left under max
	out        []byte

	literal    []prob
	isMatch    [states << posBitsMax]prob
	isRep      [states]prob
	isRepG0    [states]prob
	isRepG1    [states]prob
	isRepG2    [states]prob
	isRep0Long [states << posBitsMax]prob
	posSlot    [lenStates][1 << 6]prob
	posDecoder [1 + fullDistances - endPosModel]prob
	align      [1 << alignBits]prob
	lenDec     lenDecoder
	repLenDec  lenDecoder
}

func (d *decoder) initProbs() {
	d.literal = make([]prob, 0x300<<(d.lc+d.lp))
	fill := func(p []prob) {
		for i := range p {
			p[i] = probInit
		}
	}
	fill(d.literal)
	fill(d.isMatch[:])
	fill(d.isRep[:])
	fill(d.isRepG0[:])
	fill(d.isRepG1[:])
	fill(d.isRepG2[:])
	fill(d.isRep0Long[:])
	for i := range d.posSlot {
		fill(d.posSlot[i][:])
	}
	fill(d.posDecoder[:])
	fill(d.align[:])
	for _, l := range []*lenDecoder{&d.lenDec, &d.repLenDec} {
		l.choice, l.choice2 = probInit, probInit
		for i := range l.low {
			fill(l.low[i][:])
			fill(l.mid[i][:])
		}
		fill(l.high[:])
	}
}

// back returns the byte dist+1 positions back in the output.
func (d *decoder) back(dist uint32) byte { return d.out[len(d.out)-1-int(dist)] }

func (d *decoder) literalByte(state, rep0 uint32) {
	var prev uint32
	if len(d.out) > 0 {
		prev = uint32(d.out[len(d.out)-1])
	}
	litState := (uint32(len(d.out))&(1<<d.lp-1))<<d.lc + prev>>(8-d.lc)
	probs := d.literal[0x300*litState : 0x300*(litState+1)]
	sym := uint32(1)
	if state >= 7 {
		// After a match the literal is coded against the byte at the
		// match's distance, bit by bit until the two differ.
		match := uint32(d.back(rep0))
		for sym < 0x100 {
			mbit := match >> 7 & 1
			match <<= 1
			b := d.rc.bit(&probs[(1+mbit)<<8+sym])
			sym = sym<<1 | b
			if mbit != b {
				break
			}
		}
	}
	for sym < 0x100 {
		sym = sym<<1 | d.rc.bit(&probs[sym])
	}
	d.out = append(d.out, byte(sym))
}

// distance decodes a match's distance less one; ^0 is the end marker.
func (d *decoder) distance(length uint32) uint32 {
	lenState := min(length, lenStates-1)
	slot := d.rc.tree(d.posSlot[lenState][:], 6)
	if slot < startPosModel {
		return slot
	}
	direct := uint(slot>>1 - 1)
	dist := (2 | slot&1) << direct
	if slot < endPosModel {
		return dist + d.rc.reverse(d.posDecoder[dist-slot:], direct)
	}
	dist += d.rc.direct(direct-alignBits) << alignBits
	return dist + d.rc.reverse(d.align[:], alignBits)
}

func (d *decoder) run() error {
	d.initProbs()
	var state, rep0, rep1, rep2, rep3 uint32
	for {
		if d.rc.bad {
			return ErrCorrupt
		}
		if d.sized && d.remaining == 0 && d.rc.code == 0 {
			return nil // every byte decoded, no end marker
		}
		posState := uint32(len(d.out)) & (1<<d.pb - 1)
		if d.rc.bit(&d.isMatch[state<<posBitsMax+posState]) == 0 {
			if d.remaining == 0 {
				return d.tooLong()
			}
			d.literalByte(state, rep0)
			d.remaining--
			switch {
			case state < 4:
				state = 0
			case state < 10:
				state -= 3
			default:
				state -= 6
			}
			continue
		}
		var length uint32
		if d.rc.bit(&d.isRep[state]) != 0 {
			if len(d.out) == 0 {
				return ErrCorrupt
			}
			if d.rc.bit(&d.isRepG0[state]) == 0 {
				if d.rc.bit(&d.isRep0Long[state<<posBitsMax+posState]) == 0 {
					// A single byte at the last distance.
					if d.remaining == 0 {
						return d.tooLong()
					}
					state = 9 + state/7*2
					d.out = append(d.out, d.back(rep0))
					d.remaining--
					continue
				}
			} else {
				var dist uint32
				if d.rc.bit(&d.isRepG1[state]) == 0 {
					dist = rep1
				} else {
					if d.rc.bit(&d.isRepG2[state]) == 0 {
						dist = rep2
					} else {
						dist, rep3 = rep3, rep2
					}
					rep2 = rep1
				}
				rep1, rep0 = rep0, dist
			}
			length = d.repLenDec.decode(&d.rc, posState)
			state = 8 + state/7*3
		} else {
			rep3, rep2, rep1 = rep2, rep1, rep0
			length = d.lenDec.decode(&d.rc, posState)
			state = 7 + state/7*3
			rep0 = d.distance(length)
			if rep0 == ^uint32(0) {
				if d.rc.bad || d.rc.code != 0 {
					return ErrCorrupt
				}
				if d.sized && d.remaining != 0 {
					return fmt.Errorf("lzma: end marker %d bytes before the size in the header", d.remaining)
				}
				return nil
			}
			if rep0 >= d.dictSize || int(rep0) >= len(d.out) {
				return ErrCorrupt
			}
		}
		n := int(length + matchMinLen)
		if n > d.remaining {
			return d.tooLong()
		}
		// Byte by byte: a match may overlap the bytes it writes.
		from := len(d.out) - 1 - int(rep0)
		for i := 0; i < n; i++ {
			d.out = append(d.out, d.out[from+i])
		}
		d.remaining -= n
	}
}

func (d *decoder) tooLong() error {
	if d.sized {
		return fmt.Errorf("lzma: data goes on past the size in the header (%d bytes)", len(d.out))
	}
	return fmt.Errorf("lzma: more than %d bytes uncompressed", len(d.out))
}
