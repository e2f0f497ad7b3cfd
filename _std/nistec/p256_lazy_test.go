// Added by sshbox (_std/README.md).

package nistec

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"unsafe"
)

// TestP256PrecomputedMatchesUpstream compares the table computed at run
// time, byte for byte, with the one upstream's p256_table.go carries (read
// from GOROOT, which the build's overlay leaves as it is).
func TestP256PrecomputedMatchesUpstream(t *testing.T) {
	goroot := runtime.GOROOT() // the test is built without -trimpath
	if goroot == "" {
		t.Fatal("no GOROOT to read upstream's table from")
	}
	src, err := os.ReadFile(filepath.Join(goroot, "src/crypto/internal/fips140/nistec/p256_table.go"))
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, m := range regexp.MustCompile(`0x[0-9a-f]+`).FindAll(src, -1) {
		b, err := strconv.ParseUint(string(m[2:]), 16, 8)
		if err != nil {
			t.Fatalf("upstream's table: %q: %v", m, err)
		}
		want = append(want, byte(b))
	}
	if len(want) != len(p256PrecomputedEmbed) {
		t.Fatalf("upstream's table has %d bytes, ours %d", len(want), len(p256PrecomputedEmbed))
	}
	tables := p256PrecomputeTables()
	words := (*[43 * 32 * 2 * 4]uint64)(unsafe.Pointer(tables))
	got := make([]byte, 0, len(want))
	for _, w := range words {
		got = binary.LittleEndian.AppendUint64(got, w)
	}
	for i := 0; i < len(want); i += 64 {
		if !bytes.Equal(got[i:i+64], want[i:i+64]) {
			t.Fatalf("table %d, point %d: computed %x, upstream %x", i/64/32, i/64%32, got[i:i+64], want[i:i+64])
		}
	}
}

// TestP256ScalarBaseMultMatchesScalarMult: multiplying the base point
// through the computed table gives what multiplying the generator as any
// point does.
func TestP256ScalarBaseMultMatchesScalarMult(t *testing.T) {
	scalar := make([]byte, 32)
	for i := range scalar {
		scalar[i] = byte(7*i + 1)
	}
	p, err := NewP256Point().ScalarBaseMult(scalar)
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewP256Point().ScalarMult(NewP256Point().SetGenerator(), scalar)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.Bytes(), q.Bytes()) {
		t.Fatalf("ScalarBaseMult %x, ScalarMult(G) %x", p.Bytes(), q.Bytes())
	}
}
