// Added by sshbox (_std/README.md): the table of the generator's multiples
// that ScalarBaseMult reads is computed the first time it is needed, instead
// of being carried in the binary (88 KiB that do not compress).

//go:build (!amd64 && !arm64 && !ppc64le && !s390x) || purego

package nistec

import (
	"crypto/internal/fips140/nistec/fiat"
	"sync"
)

var p256GeneratorTablesOnce sync.Once

// p256PrecomputeTables fills the tables p256GeneratorTables points to
// (aliasing p256PrecomputedEmbed, now zeroed memory) the first time it is
// called: table i holds [1]B..[32]B for B = [2^(6i)]G, in affine
// coordinates, as upstream's generator wrote them. The 32 points of a table
// share one inversion (Montgomery's trick).
func p256PrecomputeTables() *[43]p256AffineTable {
	p256GeneratorTablesOnce.Do(func() {
		base := NewP256Point().SetGenerator()
		var pts [32]P256Point
		var prod [32]fiat.P256Element // prod[j] = z_0 * ... * z_j
		for i := range p256GeneratorTables {
			p := NewP256Point()
			for j := range pts {
				p.Add(p, base) // complete formulas: doubling included
				pts[j].Set(p)
			}
			prod[0] = pts[0].z
			for j := 1; j < 32; j++ {
				prod[j].Mul(&prod[j-1], &pts[j].z)
			}
			inv, zInv := new(fiat.P256Element), new(fiat.P256Element)
			inv.Invert(&prod[31])
			for j := 31; j >= 0; j-- {
				if j > 0 {
					zInv.Mul(inv, &prod[j-1])
					inv.Mul(inv, &pts[j].z)
				} else {
					zInv.Set(inv)
				}
				// Projective coordinates: x = X / Z, y = Y / Z.
				t := &p256GeneratorTables[i][j]
				t.x.Mul(&pts[j].x, zInv)
				t.y.Mul(&pts[j].y, zInv)
			}
			for k := 0; k < 6; k++ {
				base.Double(base)
			}
		}
	})
	return p256GeneratorTables
}
