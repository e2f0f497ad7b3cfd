package passwd

import (
	"fmt"
	"strings"
)

// The "$y$" string: "$y$" flavor N_log2 r [have [p] [t] [g] [NROM_log2]] "$"
// salt "$" hash, where the numbers use yescrypt's variable-length base-64
// integers and salt and hash are base-64 byte strings (little-endian groups).

const (
	yescryptWORM = 1
	yescryptRW   = 2
	// yescryptRWDefaults is the only read-write flavour yescrypt defines an
	// algorithm for: 6 pwxform rounds, 4-way gather, 2-way simple, 12 KiB
	// S-boxes ("j" in the string).
	yescryptRWDefaults = 0xb6
	yescryptRWFlavor   = 0x3fc
	yescryptSaltMax    = 64
	// yescryptMaxWork bounds 128*N*r times the passes over V (p without
	// RW mode, and t+1): four times the memory limit, a few seconds.
	yescryptMaxWork = 4 * MaxYescryptMemory
)

type yescryptParams struct {
	flags      uint32
	logN       uint32
	r, p, t, g uint32
	logNROM    uint32 // 0: no ROM
}

// decode64Uint32 reads one variable-length integer: the first character's
// range says how many more 6-bit characters follow.
func decode64Uint32(s string, min uint32) (uint32, string, bool) {
	if s == "" {
		return 0, s, false
	}
	c := atoi64(s[0])
	if c > 63 {
		return 0, s, false
	}
	s = s[1:]
	var v uint64 = uint64(min)
	start, end, chars, bits := uint32(0), uint32(47), 1, uint32(0)
	for c > end {
		v += uint64(end+1-start) << bits
		start = end + 1
		end = start + (62-end)/2
		chars++
		bits += 6
	}
	v += uint64(c-start) << bits
	for ; chars > 1; chars-- {
		if s == "" {
			return 0, s, false
		}
		c := atoi64(s[0])
		if c > 63 {
			return 0, s, false
		}
		s = s[1:]
		bits -= 6
		v += uint64(c) << bits
	}
	if v > 0xffffffff {
		return 0, s, false
	}
	return uint32(v), s, true
}

// decode64Bytes decodes a little-endian base-64 byte string of at most max
// bytes; the unused high bits of a final partial group must be zero.
func decode64Bytes(s string, max int) ([]byte, bool) {
	var out []byte
	for len(s) > 0 {
		var value, bits uint32
		for len(s) > 0 && bits < 24 {
			c := atoi64(s[0])
			if c > 63 {
				return nil, false
			}
			s = s[1:]
			value |= c << bits
			bits += 6
		}
		if bits < 12 {
			return nil, false
		}
		for {
			if len(out) >= max {
				return nil, false
			}
			out = append(out, byte(value))
			value >>= 8
			bits -= 8
			if bits < 8 {
				if value != 0 {
					return nil, false
				}
				break
			}
		}
	}
	return out, true
}

// encode64Bytes is the inverse of decode64Bytes.
func encode64Bytes(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		var value, bits uint32
		for bits < 24 && i < len(src) {
			value |= uint32(src[i]) << bits
			bits += 8
			i++
		}
		for b := uint32(0); b < bits; b += 6 {
			dst = append(dst, itoa64[value&0x3f])
			value >>= 6
		}
	}
	return dst
}

type yescryptHash struct {
	params  yescryptParams
	setting string // everything before the last '$'
	salt    []byte
}

func yescryptBad(why string, args ...any) error {
	return fmt.Errorf("%w: $y$ %s", ErrMalformedHash, fmt.Sprintf(why, args...))
}

func parseYescrypt(h string) (hasher, error) {
	s := h[3:]
	var p yescryptParams
	var flavor uint32
	var ok bool
	if flavor, s, ok = decode64Uint32(s, 0); !ok {
		return nil, yescryptBad("flavor")
	}
	switch {
	case flavor < yescryptRW:
		p.flags = flavor
	case flavor <= yescryptRW+(yescryptRWFlavor>>2):
		p.flags = yescryptRW + (flavor-yescryptRW)<<2
	default:
		return nil, yescryptBad("flavor %d", flavor)
	}
	if p.logN, s, ok = decode64Uint32(s, 1); !ok || p.logN > 63 {
		return nil, yescryptBad("N")
	}
	if p.r, s, ok = decode64Uint32(s, 1); !ok {
		return nil, yescryptBad("r")
	}
	p.p = 1
	if s != "" && s[0] != '$' {
		var have uint32
		if have, s, ok = decode64Uint32(s, 1); !ok {
			return nil, yescryptBad("parameter set")
		}
		if have&1 != 0 {
			if p.p, s, ok = decode64Uint32(s, 2); !ok {
				return nil, yescryptBad("p")
			}
		}
		if have&2 != 0 {
			if p.t, s, ok = decode64Uint32(s, 1); !ok {
				return nil, yescryptBad("t")
			}
		}
		if have&4 != 0 {
			if p.g, s, ok = decode64Uint32(s, 1); !ok {
				return nil, yescryptBad("g")
			}
		}
		if have&8 != 0 {
			if p.logNROM, s, ok = decode64Uint32(s, 1); !ok || p.logNROM > 63 {
				return nil, yescryptBad("NROM")
			}
		}
	}
	if s == "" || s[0] != '$' {
		return nil, yescryptBad("parameters not followed by '$'")
	}
	s = s[1:]
	last := strings.LastIndexByte(s, '$')
	saltStr := s
	if last >= 0 {
		saltStr = s[:last]
	}
	salt, ok := decode64Bytes(saltStr, yescryptSaltMax)
	if !ok {
		return nil, yescryptBad("salt")
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return compareCrypt{&yescryptHash{params: p, setting: h[:len(h)-len(s)+len(saltStr)], salt: salt}}, nil
}

// check refuses what the reference implementation refuses, and what is
// beyond this package's cost limits.
func (p *yescryptParams) check() error {
	switch {
	case p.g != 0:
		return fmt.Errorf("%w: $y$ with hash upgrades (g=%d)", ErrUnsupportedScheme, p.g)
	case p.logNROM != 0:
		return fmt.Errorf("%w: $y$ with a ROM", ErrUnsupportedScheme)
	case p.flags == 0 && p.t != 0:
		return yescryptBad("classic scrypt flavor with t=%d", p.t)
	case p.flags != 0 && p.flags != yescryptWORM && p.flags != yescryptRWDefaults:
		return fmt.Errorf("%w: $y$ flavor 0x%x", ErrUnsupportedScheme, p.flags)
	case p.logN < 1 || p.r < 1 || p.p < 1:
		return yescryptBad("N, r or p too small")
	case uint64(p.r)*uint64(p.p) >= 1<<30:
		return yescryptBad("r*p too large")
	case p.flags&yescryptRW != 0 && (uint64(1)<<p.logN)/uint64(p.p) <= 1:
		return yescryptBad("N/p too small")
	}
	if p.t > MaxYescryptT {
		return fmt.Errorf("%w: $y$ t=%d above %d", ErrCostTooHigh, p.t, MaxYescryptT)
	}
	if p.logN > 30 {
		return fmt.Errorf("%w: $y$ N=2^%d", ErrCostTooHigh, p.logN)
	}
	// r*p < 2^30 and N <= 2^30 keep these products within 64 bits.
	v := 128 * uint64(p.r) << p.logN
	mem := v + 128*uint64(p.r)*uint64(p.p)
	lanes := uint64(p.p) // without RW, each of the p lanes runs over all of V
	if p.flags&yescryptRW != 0 {
		mem += sBytes * uint64(p.p)
		lanes = 1
	}
	if mem > MaxYescryptMemory {
		return fmt.Errorf("%w: $y$ needs more than %d MiB", ErrCostTooHigh, MaxYescryptMemory>>20)
	}
	if v*lanes*uint64(p.t+1) > yescryptMaxWork {
		return fmt.Errorf("%w: $y$ with p=%d, t=%d does too much work", ErrCostTooHigh, p.p, p.t)
	}
	return nil
}

func (y *yescryptHash) crypt(pw []byte) []byte {
	dk := yescryptKDF(pw, y.salt, &y.params)
	out := append([]byte(y.setting), '$')
	return encode64Bytes(out, dk)
}
