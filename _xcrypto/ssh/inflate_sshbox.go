// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import "errors"

// inflateState decodes one zlib stream (RFC 1950 around RFC 1951) that
// never ends, a byte at a time from src, writing each decoded byte into
// src's payload at once: a packet's payload is complete when the decoder
// next asks for a byte past it, whichever kind of flush the peer made.
//
// Codes are decoded a bit at a time against the canonical code's counts
// (a code of length n is the count of shorter codes, shifted, plus its
// rank among codes of length n). That is slower than a lookup table and
// far smaller; compression is for links slower than that.
type inflateState struct {
	src    *packetSource
	bits   uint32 // bits read and not yet used, the next in bit 0
	nbits  uint
	window [1 << 15]byte // the last 32 KiB decoded, for back references
	pos    int           // where the next byte goes in window
	total  int           // bytes decoded so far, up to len(window)
}

// huffman is a canonical code: how many codes each length has, and the
// symbols in code order.
type huffman struct {
	count  [16]uint16
	symbol []uint16
}

var (
	errInflateBlockType = errors.New("invalid block type")
	errInflateStored    = errors.New("stored block length does not match its complement")
	errInflateCode      = errors.New("invalid code")
	errInflateLengths   = errors.New("invalid code lengths")
	errInflateDistance  = errors.New("distance too far back")
	errInflateHeader    = errors.New("invalid zlib header")
	errInflateEnded     = errors.New("peer ended its compressed stream")
	errInflateTooLong   = errors.New("packet inflates past 256 KiB")
)

// Length and distance bases and extra bits (RFC 1951 section 3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// The order code length code lengths come in (section 3.2.7).
	codeLengthOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

func (d *inflateState) run() error {
	cmf, err := d.getBits(8)
	if err != nil {
		return err
	}
	flg, err := d.getBits(8)
	if err != nil {
		return err
	}
	// Deflate with a window of at most 32 KiB, no preset dictionary.
	if cmf&0x0f != 8 || cmf>>4 > 7 || flg&0x20 != 0 || (cmf<<8|flg)%31 != 0 {
		return errInflateHeader
	}
	var fixedLit, fixedDist *huffman
	for {
		hdr, err := d.getBits(3)
		if err != nil {
			return err
		}
		switch hdr >> 1 {
		case 0:
			err = d.stored()
		case 1:
			if fixedLit == nil {
				fixedLit, fixedDist = fixedCodes()
			}
			err = d.codes(fixedLit, fixedDist)
		case 2:
			var lit, dist *huffman
			if lit, dist, err = d.dynamic(); err == nil {
				err = d.codes(lit, dist)
			}
		default:
			err = errInflateBlockType
		}
		if err != nil {
			return err
		}
		if hdr&1 != 0 {
			return errInflateEnded
		}
	}
}

// getBits returns the next n bits (n <= 16), the first in bit 0.
func (d *inflateState) getBits(n uint) (uint32, error) {
	for d.nbits < n {
		b, err := d.src.ReadByte()
		if err != nil {
			return 0, err
		}
		d.bits |= uint32(b) << d.nbits
		d.nbits += 8
	}
	v := d.bits & (1<<n - 1)
	d.bits >>= n
	d.nbits -= n
	return v, nil
}

// put appends one decoded byte to the payload and the window.
func (d *inflateState) put(b byte) error {
	p := &d.src.payload
	if len(*p) >= maxInflated {
		return errInflateTooLong
	}
	*p = append(*p, b)
	d.window[d.pos] = b
	d.pos = (d.pos + 1) & (len(d.window) - 1)
	if d.total < len(d.window) {
		d.total++
	}
	return nil
}

func (d *inflateState) stored() error {
	d.bits, d.nbits = 0, 0 // to the byte boundary
	v, err := d.getBits(16)
	if err != nil {
		return err
	}
	nv, err := d.getBits(16)
	if err != nil {
		return err
	}
	if v != ^nv&0xffff {
		return errInflateStored
	}
	for ; v > 0; v-- {
		b, err := d.src.ReadByte()
		if err != nil {
			return err
		}
		if err := d.put(b); err != nil {
			return err
		}
	}
	return nil
}

// decode reads one symbol of h, a bit at a time.
func (d *inflateState) decode(h *huffman) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l < len(h.count); l++ {
		b, err := d.getBits(1)
		if err != nil {
			return 0, err
		}
		code |= int(b)
		count := int(h.count[l])
		if code-first < count {
			return int(h.symbol[index+code-first]), nil
		}
		index += count
		first = (first + count) << 1
		code <<= 1
	}
	return 0, errInflateCode
}

// codes decodes one block's literals and references up to its end.
func (d *inflateState) codes(lit, dist *huffman) error {
	for {
		sym, err := d.decode(lit)
		if err != nil {
			return err
		}
		switch {
		case sym < 256:
			if err := d.put(byte(sym)); err != nil {
				return err
			}
			continue
		case sym == 256:
			return nil
		}
		sym -= 257
		if sym >= len(lengthBase) {
			return errInflateCode
		}
		extra, err := d.getBits(uint(lengthExtra[sym]))
		if err != nil {
			return err
		}
		length := int(lengthBase[sym]) + int(extra)
		dsym, err := d.decode(dist)
		if err != nil {
			return err
		}
		if dsym >= len(distBase) {
			return errInflateCode
		}
		if extra, err = d.getBits(uint(distExtra[dsym])); err != nil {
			return err
		}
		back := int(distBase[dsym]) + int(extra)
		if back > d.total {
			return errInflateDistance
		}
		for ; length > 0; length-- {
			if err := d.put(d.window[(d.pos-back)&(len(d.window)-1)]); err != nil {
				return err
			}
		}
	}
}

// newHuffman builds the canonical code for lengths (0: symbol unused). An
// over-subscribed set of lengths is refused; an incomplete one is allowed
// (a lone distance code is), and its unused codes fail in decode.
func newHuffman(lengths []uint8) (*huffman, error) {
	h := &huffman{symbol: make([]uint16, len(lengths))}
	for _, l := range lengths {
		h.count[l]++
	}
	left := 1
	for l := 1; l < len(h.count); l++ {
		left = left<<1 - int(h.count[l])
		if left < 0 {
			return nil, errInflateLengths
		}
	}
	var offs [16]uint16
	for l := 1; l < len(h.count)-1; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	for sym, l := range lengths {
		if l != 0 {
			h.symbol[offs[l]] = uint16(sym)
			offs[l]++
		}
	}
	return h, nil
}

// fixedCodes are the codes of a block with fixed Huffman codes (RFC 1951
// section 3.2.6).
func fixedCodes() (lit, dist *huffman) {
	// The lengths are the deflater's (deflate_sshbox.go).
	lit, _ = newHuffman(fixedLitLen[:])
	dist, _ = newHuffman(fixedDistLen[:])
	return lit, dist
}

// dynamic reads a block's code descriptions (RFC 1951 section 3.2.7).
func (d *inflateState) dynamic() (lit, dist *huffman, err error) {
	v, err := d.getBits(14)
	if err != nil {
		return nil, nil, err
	}
	nlen, ndist, ncode := int(v&0x1f)+257, int(v>>5&0x1f)+1, int(v>>10)+4
	if nlen > 286 || ndist > 30 {
		return nil, nil, errInflateLengths
	}
	var cl [19]uint8
	for i := 0; i < ncode; i++ {
		b, err := d.getBits(3)
		if err != nil {
			return nil, nil, err
		}
		cl[codeLengthOrder[i]] = uint8(b)
	}
	lencode, err := newHuffman(cl[:])
	if err != nil {
		return nil, nil, err
	}
	var lengths [286 + 30]uint8
	for i := 0; i < nlen+ndist; {
		sym, err := d.decode(lencode)
		if err != nil {
			return nil, nil, err
		}
		if sym < 16 {
			lengths[i] = uint8(sym)
			i++
			continue
		}
		var repeat uint8
		var n uint32
		switch sym {
		case 16:
			if i == 0 {
				return nil, nil, errInflateLengths
			}
			repeat = lengths[i-1]
			n, err = d.getBits(2)
			n += 3
		case 17:
			n, err = d.getBits(3)
			n += 3
		default:
			n, err = d.getBits(7)
			n += 11
		}
		if err != nil {
			return nil, nil, err
		}
		if i+int(n) > nlen+ndist {
			return nil, nil, errInflateLengths
		}
		for ; n > 0; n-- {
			lengths[i] = repeat
			i++
		}
	}
	if lengths[256] == 0 {
		return nil, nil, errInflateLengths // no end of block
	}
	if lit, err = newHuffman(lengths[:nlen]); err != nil {
		return nil, nil, err
	}
	if dist, err = newHuffman(lengths[nlen : nlen+ndist]); err != nil {
		return nil, nil, err
	}
	return lit, dist, nil
}
