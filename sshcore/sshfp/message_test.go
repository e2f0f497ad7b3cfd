package sshfp

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"testing"
)

func TestQueryPack(t *testing.T) {
	m, err := (&query{id: 0x1234, name: "Host.Example.", ad: true}).pack()
	if err != nil {
		t.Fatal(err)
	}
	want := "1234" + "0120" + "0001" + "0000" + "0000" + "0001" +
		"04486f7374074578616d706c6500" + "002c" + "0001" +
		"00" + "0029" + "04b0" + "00008000" + "0000"
	if got := hex.EncodeToString(m); got != want {
		t.Errorf("query\n got %s\nwant %s", got, want)
	}
	m, _ = (&query{id: 1, name: "a"}).pack()
	if m[3] != 0 {
		t.Errorf("AD asked without trust-ad: flags %x", m[2:4])
	}
	for _, bad := range []string{"a..b", ".", "x." + string(bytes.Repeat([]byte("y"), 64)), string(bytes.Repeat([]byte("abcdefgh."), 32))} {
		if _, err := (&query{name: bad}).pack(); err == nil && bad != "." {
			t.Errorf("%q: packed", bad)
		}
	}
}

// response builds an answer to q: the question, then records (name as a
// pointer to the question's) of the given types and data.
func response(id uint16, flags uint16, name string, records ...[]byte) []byte {
	m := binary.BigEndian.AppendUint16(nil, id)
	m = binary.BigEndian.AppendUint16(m, flags)
	m = binary.BigEndian.AppendUint16(m, 1)
	m = binary.BigEndian.AppendUint16(m, uint16(len(records)))
	m = append(m, 0, 0, 0, 0)
	m, _ = appendName(m, name)
	m = binary.BigEndian.AppendUint16(m, typeSSHFP)
	m = binary.BigEndian.AppendUint16(m, classIN)
	for _, r := range records {
		typ := binary.BigEndian.Uint16(r)
		m = append(m, 0xc0, 12)
		m = binary.BigEndian.AppendUint16(m, typ)
		m = binary.BigEndian.AppendUint16(m, classIN)
		m = binary.BigEndian.AppendUint32(m, 60)
		m = binary.BigEndian.AppendUint16(m, uint16(len(r)-2))
		m = append(m, r[2:]...)
	}
	return m
}

func TestParseAnswer(t *testing.T) {
	sshfp := []byte{0, 44, 4, 2, 0xaa, 0xbb}
	cname := []byte{0, 5, 0xc0, 12}
	m := response(7, flagQR|flagRD|flagAD, "h.example", cname, sshfp, sshfp)
	a := parseAnswer(m)
	if a == nil || a.malformed {
		t.Fatalf("parse: %+v", a)
	}
	if a.id != 7 || !a.authentic() || a.truncated() || a.rcode() != 0 || a.ancount != 3 || a.qname != "h.example" {
		t.Errorf("header: %+v", a)
	}
	if len(a.rdatas) != 2 || !bytes.Equal(a.rdatas[0], sshfp[2:]) {
		t.Errorf("rdatas: %x", a.rdatas)
	}
	if !a.matches(&query{id: 7, name: "H.Example."}) || a.matches(&query{id: 8, name: "h.example"}) ||
		a.matches(&query{id: 7, name: "other"}) {
		t.Error("matches")
	}
	// A record cut short: the question still counts (res_send takes the
	// answer), the rest does not parse.
	if a := parseAnswer(m[:len(m)-1]); a == nil || !a.malformed {
		t.Errorf("cut: %+v", a)
	}
	// Too short for a header or a question: not an answer at all.
	for _, bad := range [][]byte{m[:11], m[:14], m[:12+11]} {
		if a := parseAnswer(bad); a != nil {
			t.Errorf("%x: parsed %+v", bad, a)
		}
	}
	// A compression pointer to itself (in the question), or forwards (in
	// an answer).
	self := []byte{0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 44, 0, 1}
	if a := parseAnswer(self); a != nil {
		t.Errorf("loop in the question: %+v", a)
	}
	fwd := response(7, flagQR, "h", sshfp)
	fwd[len(fwd)-len(sshfp)+2-10-1] = byte(len(fwd) - 1)
	if a := parseAnswer(fwd); a == nil || !a.malformed {
		t.Errorf("forward pointer: %+v", a)
	}
}

func TestReadName(t *testing.T) {
	// "b.a" at 0, then "c" + pointer to 0.
	m := []byte{1, 'b', 1, 'A', 0, 1, 'c', 0xc0, 0}
	name, next, err := readName(m, 5)
	if err != nil || name != "c.b.a" || next != 9 {
		t.Errorf("got %q %d %v", name, next, err)
	}
	for _, bad := range [][]byte{{0xc0}, {0x40, 0}, {3, 'a'}, {0xc0, 0}} {
		if _, _, err := readName(bad, 0); err == nil {
			t.Errorf("%x: read", bad)
		}
	}
}

// FuzzParseAnswer: whatever a server sends, parsing neither panics nor
// returns records outside the message, and a parsed answer's records add
// up to no more than the message holds.
func FuzzParseAnswer(f *testing.F) {
	f.Add(response(7, flagQR|flagRD|flagAD, "h.example", []byte{0, 44, 4, 2, 0xaa}, []byte{0, 5, 0xc0, 12}))
	f.Add(response(1, flagQR|flagTC, "x"))
	f.Add(response(1, flagQR|rcodeNXDomain, "a.b.c.d"))
	f.Add([]byte{0, 1, 0x80, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 44, 0, 1})
	// A validating resolver's answer: SSHFP and RRSIG records, an OPT
	// record with DO in the additional section.
	signed := response(9, flagQR|flagRD|flagAD, "h.example", []byte{0, 44, 1, 1, 0xde, 0xad}, []byte{0, 46, 0, 44, 13, 2})
	signed[11] = 1
	signed = append(signed, 0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0)
	f.Add(signed)
	f.Fuzz(func(t *testing.T, m []byte) {
		a := parseAnswer(m)
		if a == nil {
			return
		}
		n := 0
		for _, r := range a.rdatas {
			n += len(r)
		}
		if n > len(m) {
			t.Fatalf("%d bytes of records from %d", n, len(m))
		}
		if len(a.qname) > 255+63 {
			t.Fatalf("name of %d bytes", len(a.qname))
		}
	})
}
