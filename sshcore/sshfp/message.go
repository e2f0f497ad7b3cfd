package sshfp

import (
	"encoding/binary"
	"errors"
	"strings"
)

// The DNS messages of one SSHFP look-up (RFC 1035 §4, RFC 6891 for EDNS0):
// the query glibc's res_query sends for getrrsetbyname, and what
// getrrsetbyname takes from the answer.

const (
	typeSSHFP = 44
	typeOPT   = 41
	classIN   = 1

	flagQR = 1 << 15
	flagTC = 1 << 9
	flagRD = 1 << 8
	flagAD = 1 << 5

	rcodeNoError  = 0
	rcodeServFail = 2
	rcodeNXDomain = 3
	rcodeNotImp   = 4
	rcodeRefused  = 5

	// ednsSize is the UDP payload size glibc's res_nopt advertises.
	ednsSize  = 1200
	headerLen = 12
)

var errMalformed = errors.New("malformed DNS message")

// query is what is asked: the name, and whether to ask for the AD bit
// (options trust-ad).
type query struct {
	id   uint16
	name string
	ad   bool
}

// pack is the query message, or an error for a name that is not one. It
// always carries an EDNS0 record with the DO bit: Debian's OpenSSH forces
// DNSSEC on whatever resolv.conf's options say (its dnssec-sshfp patch).
func (q *query) pack() ([]byte, error) {
	flags := uint16(flagRD)
	if q.ad {
		flags |= flagAD
	}
	m := binary.BigEndian.AppendUint16(nil, q.id)
	m = binary.BigEndian.AppendUint16(m, flags)
	m = binary.BigEndian.AppendUint16(m, 1) // QDCOUNT
	m = append(m, 0, 0, 0, 0)               // ANCOUNT, NSCOUNT
	m = binary.BigEndian.AppendUint16(m, 1) // ARCOUNT: the OPT record
	m, err := appendName(m, q.name)
	if err != nil {
		return nil, err
	}
	m = binary.BigEndian.AppendUint16(m, typeSSHFP)
	m = binary.BigEndian.AppendUint16(m, classIN)
	m = append(m, 0) // OPT: the root name
	m = binary.BigEndian.AppendUint16(m, typeOPT)
	m = binary.BigEndian.AppendUint16(m, ednsSize)
	m = binary.BigEndian.AppendUint32(m, 1<<15) // extended RCODE 0, version 0, DO
	return append(m, 0, 0), nil                 // no options
}

// appendName adds name in wire form (uncompressed). A trailing dot is
// allowed; empty labels, labels over 63 bytes and names over 255 are not.
func appendName(m []byte, name string) ([]byte, error) {
	name = strings.TrimSuffix(name, ".")
	n := 1
	if name != "" {
		for _, label := range strings.Split(name, ".") {
			if label == "" || len(label) > 63 {
				return nil, errors.New("invalid name")
			}
			m = append(m, byte(len(label)))
			m = append(m, label...)
			n += 1 + len(label)
		}
	}
	if n > 255 {
		return nil, errors.New("invalid name")
	}
	return append(m, 0), nil
}

// answer is what res_send and getrrsetbyname look at in a response.
type answer struct {
	id      uint16
	flags   uint16
	qdcount int
	ancount int
	qname   string // the first question's, lower-cased, without the dot
	qtype   uint16
	qclass  uint16
	// rdatas are the answer section's records of the question's class
	// and type, in order.
	rdatas [][]byte
	// malformed: a record past the question does not parse, which fails
	// getrrsetbyname (res_send has already taken the answer).
	malformed bool
}

func (a *answer) rcode() int       { return int(a.flags & 0xf) }
func (a *answer) truncated() bool  { return a.flags&flagTC != 0 }
func (a *answer) authentic() bool  { return a.flags&flagAD != 0 }
func (a *answer) isResponse() bool { return a.flags&flagQR != 0 }

// parseAnswer reads a response: nil when its header or question does not
// parse (res_send ignores such a datagram). Past the question it reads as
// getrrsetbyname does: every section must parse (names may be
// compressed), and only the answer section's records of the question's
// class and type are kept.
func parseAnswer(m []byte) *answer {
	if len(m) < headerLen {
		return nil
	}
	a := &answer{
		id:      binary.BigEndian.Uint16(m[0:]),
		flags:   binary.BigEndian.Uint16(m[2:]),
		qdcount: int(binary.BigEndian.Uint16(m[4:])),
		ancount: int(binary.BigEndian.Uint16(m[6:])),
	}
	ns := int(binary.BigEndian.Uint16(m[8:]))
	ar := int(binary.BigEndian.Uint16(m[10:]))
	off := headerLen
	for i := 0; i < a.qdcount; i++ {
		name, next, err := readName(m, off)
		if err != nil || next+4 > len(m) {
			if i == 0 {
				return nil
			}
			a.malformed = true
			return a
		}
		if i == 0 {
			a.qname = name
			a.qtype = binary.BigEndian.Uint16(m[next:])
			a.qclass = binary.BigEndian.Uint16(m[next+2:])
		}
		off = next + 4
	}
	for sec, count := range []int{a.ancount, ns, ar} {
		for i := 0; i < count; i++ {
			_, next, err := readName(m, off)
			if err != nil || next+10 > len(m) {
				a.malformed = true
				return a
			}
			typ := binary.BigEndian.Uint16(m[next:])
			class := binary.BigEndian.Uint16(m[next+2:])
			size := int(binary.BigEndian.Uint16(m[next+8:]))
			off = next + 10
			if off+size > len(m) {
				a.malformed = true
				return a
			}
			if sec == 0 && a.qdcount > 0 && typ == a.qtype && class == a.qclass {
				a.rdatas = append(a.rdatas, m[off:off+size:off+size])
			}
			off += size
		}
	}
	return a
}

// readName expands the name at off, following compression pointers, and
// returns it (lower-cased, labels joined by dots) with the offset past it.
// Pointers may only point backwards, which also ends any loop.
func readName(m []byte, off int) (string, int, error) {
	var b strings.Builder
	end := -1 // where the name ends in place, once a pointer was taken
	limit := off
	for {
		if off >= len(m) {
			return "", 0, errMalformed
		}
		c := int(m[off])
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				if end < 0 {
					end = off + 1
				}
				return strings.ToLower(b.String()), end, nil
			}
			if off+1+c > len(m) {
				return "", 0, errMalformed
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.Write(m[off+1 : off+1+c])
			if b.Len() > 255 {
				return "", 0, errMalformed
			}
			off += 1 + c
		case 0xc0:
			if off+2 > len(m) {
				return "", 0, errMalformed
			}
			ptr := int(binary.BigEndian.Uint16(m[off:]) & 0x3fff)
			if end < 0 {
				end = off + 2
			}
			if ptr >= limit {
				return "", 0, errMalformed
			}
			off, limit = ptr, ptr
		default:
			return "", 0, errMalformed
		}
	}
}
