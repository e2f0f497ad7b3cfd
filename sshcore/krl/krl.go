// Package krl reads and writes OpenSSH's key revocation lists (KRLs, the
// binary format of OpenSSH's PROTOCOL.krl): revoked plain keys, their SHA-1
// and SHA-256 hashes, and certificates by serial number or key ID under
// their CA. ssh-keygen -k writes them for OpenSSH's sshd and sshbox's to
// read from RevokedKeys; ssh-keygen -Q and sshd check keys against them.
// Signature sections (never written by ssh-keygen) are skipped, as
// OpenSSH's sshd skips them.
package krl

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"sshbox/sshcore/keys"

	"golang.org/x/crypto/ssh"
)

// Magic starts every KRL.
const Magic = "SSHKRL\n\x00"

const formatVersion = 1

// Section types.
const (
	secCertificates = 1
	secExplicitKey  = 2
	secSHA1         = 3
	secSignature    = 4
	secSHA256       = 5

	certSerialList   = 0x20
	certSerialRange  = 0x21
	certSerialBitmap = 0x22
	certKeyID        = 0x23
)

// maxBitmap bounds a serial bitmap, so that reading a file costs memory in
// proportion to its size.
const maxBitmap = 1 << 20

// Range is the serial numbers Lo to Hi inclusive.
type Range struct{ Lo, Hi uint64 }

// CertSection revokes certificates of one CA (CA nil: of any CA).
type CertSection struct {
	CA      []byte // the CA's public key blob; nil for any CA
	Serials []Range
	IDs     []string
	bitmaps []bitmap // as read; written back as they came
}

// bitmap revokes serial offset+i for each bit i set.
type bitmap struct {
	offset uint64
	bits   *big.Int
}

func (b bitmap) has(serial uint64) bool {
	if serial < b.offset || serial-b.offset >= uint64(b.bits.BitLen()) {
		return false
	}
	return b.bits.Bit(int(serial-b.offset)) == 1
}

// KRL is a parsed key revocation list.
type KRL struct {
	Version uint64
	Date    uint64 // seconds since the epoch
	Comment string
	Keys    [][]byte // plain public key blobs
	SHA1    [][]byte // SHA-1 of plain public key blobs
	SHA256  [][]byte // SHA-256 of plain public key blobs
	Certs   []*CertSection
}

// IsKRL reports whether data is in the KRL format (and not a list of
// public keys).
func IsKRL(data []byte) bool { return bytes.HasPrefix(data, []byte(Magic)) }

// reader takes the format's fields from a buffer, remembering the offset
// for errors.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("byte %d: %s", r.off, what)
	}
}

// take consumes the next n bytes; nil (and the reader failed) when fewer
// are left.
func (r *reader) take(n int) []byte {
	if r.err != nil || len(r.b) < n {
		r.fail("truncated")
		return nil
	}
	v := r.b[:n]
	r.b, r.off = r.b[n:], r.off+n
	return v
}

func (r *reader) u8() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// str reads a string and returns it with the offset of its contents.
func (r *reader) str() ([]byte, int) {
	n := r.u32()
	if r.err != nil {
		return nil, r.off
	}
	if uint64(n) > uint64(len(r.b)) {
		r.fail("string longer than the data")
		return nil, r.off
	}
	v, at := r.b[:n], r.off
	r.b, r.off = r.b[n:], r.off+int(n)
	return v, at
}

// sub reads a string as a reader of its own, offsets kept.
func (r *reader) sub() *reader {
	b, at := r.str()
	return &reader{b: b, off: at, err: r.err}
}

// ErrMagic is Parse's error for data that is no KRL at all.
var ErrMagic = errors.New("byte 0: not a KRL (no SSHKRL magic)")

// Parse reads a KRL; an error names the byte offset where it went wrong.
func Parse(data []byte) (*KRL, error) {
	if !IsKRL(data) {
		return nil, ErrMagic
	}
	r := &reader{b: data[len(Magic):], off: len(Magic)}
	if v := r.u32(); r.err == nil && v != formatVersion {
		return nil, fmt.Errorf("byte %d: unsupported KRL format version %d", len(Magic), v)
	}
	k := &KRL{Version: r.u64(), Date: r.u64()}
	r.u64() // flags
	r.str() // reserved
	c, _ := r.str()
	k.Comment = string(c)
	for r.err == nil && len(r.b) > 0 {
		typ := r.u8()
		s := r.sub()
		if r.err != nil {
			break
		}
		switch typ {
		case secCertificates:
			cs, err := parseCerts(s)
			if err != nil {
				return nil, err
			}
			k.Certs = append(k.Certs, cs)
		case secExplicitKey, secSHA1, secSHA256:
			for s.err == nil && len(s.b) > 0 {
				v, _ := s.str()
				if s.err != nil {
					return nil, s.err
				}
				switch {
				case typ == secExplicitKey:
					if _, err := keys.ParsePublicKey(v); err != nil {
						return nil, fmt.Errorf("byte %d: revoked key: %v", s.off-len(v), err)
					}
					k.Keys = append(k.Keys, v)
				case typ == secSHA1 && len(v) == sha1.Size:
					k.SHA1 = append(k.SHA1, v)
				case typ == secSHA256 && len(v) == sha256.Size:
					k.SHA256 = append(k.SHA256, v)
				default:
					return nil, fmt.Errorf("byte %d: hash of %d bytes", s.off-len(v), len(v))
				}
			}
		case secSignature:
			// Signatures come last; what follows them is signed data
			// sshd does not verify either.
			return k, nil
		default:
			return nil, fmt.Errorf("byte %d: unsupported KRL section %d", s.off-4-1, typ)
		}
		if s.err != nil {
			return nil, s.err
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return k, nil
}

func parseCerts(r *reader) (*CertSection, error) {
	ca, at := r.str()
	r.str() // reserved
	cs := &CertSection{}
	if len(ca) > 0 {
		if _, err := keys.ParsePublicKey(ca); err != nil {
			return nil, fmt.Errorf("byte %d: CA key: %v", at, err)
		}
		cs.CA = ca
	}
	for r.err == nil && len(r.b) > 0 {
		typ := r.u8()
		s := r.sub()
		if r.err != nil {
			break
		}
		switch typ {
		case certSerialList:
			for s.err == nil && len(s.b) > 0 {
				v := s.u64()
				cs.Serials = append(cs.Serials, Range{v, v})
			}
		case certSerialRange:
			lo, hi := s.u64(), s.u64()
			if s.err == nil && lo > hi {
				return nil, fmt.Errorf("byte %d: serial range %d-%d backwards", s.off-16, lo, hi)
			}
			cs.Serials = append(cs.Serials, Range{lo, hi})
		case certSerialBitmap:
			offset := s.u64()
			bm, at := s.str()
			if len(bm) > maxBitmap {
				return nil, fmt.Errorf("byte %d: serial bitmap of %d bytes", at, len(bm))
			}
			cs.bitmaps = append(cs.bitmaps, bitmap{offset, new(big.Int).SetBytes(bm)})
		case certKeyID:
			for s.err == nil && len(s.b) > 0 {
				id, _ := s.str()
				cs.IDs = append(cs.IDs, string(id))
			}
		default:
			return nil, fmt.Errorf("byte %d: unsupported certificate section %#x", s.off-4-1, typ)
		}
		if s.err == nil && len(s.b) > 0 {
			s.fail("extra data in section")
		}
		if s.err != nil {
			return nil, s.err
		}
	}
	return cs, r.err
}

// IsRevoked reports whether the KRL revokes key: a plain key by its blob
// or hashes, a certificate by its key likewise or by serial number or key
// ID under its CA. (The CA's own revocation is the caller's to check, as
// sshd checks the CA key as a key of its own.)
func (k *KRL) IsRevoked(key ssh.PublicKey) bool {
	plain := key
	if cert, ok := key.(*ssh.Certificate); ok {
		if k.certRevoked(cert) {
			return true
		}
		plain = cert.Key
	}
	blob := plain.Marshal()
	for _, b := range k.Keys {
		if bytes.Equal(b, blob) {
			return true
		}
	}
	s1 := sha1.Sum(blob)
	for _, h := range k.SHA1 {
		if bytes.Equal(h, s1[:]) {
			return true
		}
	}
	s256 := sha256.Sum256(blob)
	for _, h := range k.SHA256 {
		if bytes.Equal(h, s256[:]) {
			return true
		}
	}
	return false
}

func (k *KRL) certRevoked(cert *ssh.Certificate) bool {
	ca := cert.SignatureKey.Marshal()
	for _, cs := range k.Certs {
		if cs.CA != nil && !bytes.Equal(cs.CA, ca) {
			continue
		}
		for _, id := range cs.IDs {
			if id == cert.KeyId {
				return true
			}
		}
		// Serial 0 is what a CA gives when it gives none: it revokes
		// nothing, as in OpenSSH.
		if cert.Serial == 0 {
			continue
		}
		for _, r := range cs.Serials {
			if cert.Serial >= r.Lo && cert.Serial <= r.Hi {
				return true
			}
		}
		for _, bm := range cs.bitmaps {
			if bm.has(cert.Serial) {
				return true
			}
		}
	}
	return false
}

// section returns the certificate section for ca (nil: any CA), made if
// missing.
func (k *KRL) section(ca []byte) *CertSection {
	for _, cs := range k.Certs {
		if bytes.Equal(cs.CA, ca) && (cs.CA == nil) == (ca == nil) {
			return cs
		}
	}
	cs := &CertSection{CA: ca}
	k.Certs = append(k.Certs, cs)
	return cs
}

// RevokeKey revokes a plain key by its blob, or a certificate by its
// serial number under its CA (by key ID when it has no serial), as
// ssh-keygen -k does for a key given whole.
func (k *KRL) RevokeKey(key ssh.PublicKey) {
	if cert, ok := key.(*ssh.Certificate); ok {
		cs := k.section(cert.SignatureKey.Marshal())
		if cert.Serial == 0 {
			cs.IDs = append(cs.IDs, cert.KeyId)
		} else {
			cs.Serials = append(cs.Serials, Range{cert.Serial, cert.Serial})
		}
		return
	}
	k.Keys = append(k.Keys, key.Marshal())
}

// RevokeSerials revokes the certificates of ca (nil: any CA) numbered lo
// to hi.
func (k *KRL) RevokeSerials(ca []byte, lo, hi uint64) {
	cs := k.section(ca)
	cs.Serials = append(cs.Serials, Range{lo, hi})
}

// RevokeID revokes the certificates of ca (nil: any CA) with key ID id.
func (k *KRL) RevokeID(ca []byte, id string) {
	cs := k.section(ca)
	cs.IDs = append(cs.IDs, id)
}

// Marshal writes the KRL, each list sorted and without duplicates, serial
// numbers as ranges merged where they touch.
func (k *KRL) Marshal() []byte {
	var b []byte
	b = append(b, Magic...)
	b = binary.BigEndian.AppendUint32(b, formatVersion)
	b = binary.BigEndian.AppendUint64(b, k.Version)
	b = binary.BigEndian.AppendUint64(b, k.Date)
	b = binary.BigEndian.AppendUint64(b, 0) // flags
	b = appendString(b, nil)                // reserved
	b = appendString(b, []byte(k.Comment))
	for _, cs := range k.Certs {
		b = appendSection(b, secCertificates, cs.marshal())
	}
	for _, l := range []struct {
		typ  byte
		list [][]byte
	}{{secExplicitKey, k.Keys}, {secSHA1, k.SHA1}, {secSHA256, k.SHA256}} {
		if len(l.list) == 0 {
			continue
		}
		var s []byte
		for _, v := range sortedUnique(l.list) {
			s = appendString(s, v)
		}
		b = appendSection(b, l.typ, s)
	}
	return b
}

func (cs *CertSection) marshal() []byte {
	s := appendString(nil, cs.CA)
	s = appendString(s, nil) // reserved
	var singles []uint64
	for _, r := range mergeRanges(cs.Serials) {
		if r.Lo == r.Hi {
			singles = append(singles, r.Lo)
			continue
		}
		d := binary.BigEndian.AppendUint64(nil, r.Lo)
		s = appendSection(s, certSerialRange, binary.BigEndian.AppendUint64(d, r.Hi))
	}
	for _, bm := range cs.bitmaps {
		d := binary.BigEndian.AppendUint64(nil, bm.offset)
		s = appendSection(s, certSerialBitmap, appendString(d, mpint(bm.bits)))
	}
	if len(singles) > 0 {
		var d []byte
		for _, v := range singles {
			d = binary.BigEndian.AppendUint64(d, v)
		}
		s = appendSection(s, certSerialList, d)
	}
	if len(cs.IDs) > 0 {
		ids := make([][]byte, len(cs.IDs))
		for i, id := range cs.IDs {
			ids[i] = []byte(id)
		}
		var d []byte
		for _, id := range sortedUnique(ids) {
			d = appendString(d, id)
		}
		s = appendSection(s, certKeyID, d)
	}
	return s
}

// mergeRanges sorts ranges and joins those that overlap or touch.
func mergeRanges(in []Range) []Range {
	rs := append([]Range(nil), in...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Lo < rs[j].Lo })
	var out []Range
	for _, r := range rs {
		if n := len(out); n > 0 && (r.Lo <= out[n-1].Hi || r.Lo == out[n-1].Hi+1) {
			if r.Hi > out[n-1].Hi {
				out[n-1].Hi = r.Hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func sortedUnique(list [][]byte) [][]byte {
	l := append([][]byte(nil), list...)
	sort.Slice(l, func(i, j int) bool { return bytes.Compare(l[i], l[j]) < 0 })
	var out [][]byte
	for i, v := range l {
		if i == 0 || !bytes.Equal(v, l[i-1]) {
			out = append(out, v)
		}
	}
	return out
}

func appendString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendSection(b []byte, typ byte, data []byte) []byte {
	return appendString(append(b, typ), data)
}

// mpint is the SSH encoding of a non-negative integer: big-endian, with a
// zero byte in front when the top bit is set.
func mpint(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

func sha1Of(b []byte) []byte {
	s := sha1.Sum(b)
	return s[:]
}
