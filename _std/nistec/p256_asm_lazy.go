// Added by sshbox (_std/README.md): the table of the generator's multiples
// that p256BaseMult reads is computed the first time it is needed, instead
// of being carried in the binary (88 KiB that do not compress).

//go:build (amd64 || arm64 || ppc64le || s390x) && !purego

package nistec

import "sync"

var p256PrecomputedOnce sync.Once

// p256PrecomputeTables fills the tables p256Precomputed points to (aliasing
// p256PrecomputedEmbed, now zeroed memory) the first time it is called:
// table i holds [1]B..[32]B for B = [2^(6i)]G, in affine coordinates, in
// the Montgomery domain, as upstream's generator wrote them. The 32 points
// of a table share one inversion (Montgomery's trick), so the whole table
// costs 43 inversions and about 1600 point additions and doublings.
func p256PrecomputeTables() *[43]p256AffineTable {
	p256PrecomputedOnce.Do(func() {
		var base P256Point
		base.SetGenerator()
		var pts [32]P256Point
		var prod [32]p256Element // prod[j] = z_0 * ... * z_j
		for i := range p256Precomputed {
			pts[0] = base
			p256PointDoubleAsm(&pts[1], &base)
			for j := 2; j < 32; j++ {
				// pts[j-1] = [j]B is never B for j >= 2, so the
				// addition formula (which fails for equal inputs) holds.
				p256PointAddAsm(&pts[j], &pts[j-1], &base)
			}
			prod[0] = pts[0].z
			for j := 1; j < 32; j++ {
				p256Mul(&prod[j], &prod[j-1], &pts[j].z)
			}
			var inv, zInv, zInv2 p256Element
			p256Inverse(&inv, &prod[31]) // 1 / (z_0 * ... * z_31)
			for j := 31; j >= 0; j-- {
				if j > 0 {
					p256Mul(&zInv, &inv, &prod[j-1]) // 1 / z_j
					p256Mul(&inv, &inv, &pts[j].z)   // 1 / (z_0 * ... * z_(j-1))
				} else {
					zInv = inv
				}
				// Jacobian coordinates: x = X / Z^2, y = Y / Z^3.
				p256Sqr(&zInv2, &zInv, 1)
				t := &p256Precomputed[i][j]
				p256Mul(&t.x, &pts[j].x, &zInv2)
				p256Mul(&zInv2, &zInv2, &zInv)
				p256Mul(&t.y, &pts[j].y, &zInv2)
			}
			for k := 0; k < 6; k++ {
				p256PointDoubleAsm(&base, &base)
			}
		}
	})
	return p256Precomputed
}
