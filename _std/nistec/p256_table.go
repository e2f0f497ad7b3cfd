// Copyright 2024 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Replaced by sshbox (_std/README.md): upstream's file initialises this
// array with the precomputed table; here it is zeroed memory that
// p256PrecomputeTables fills the first time a base point is multiplied.

package nistec

// p256PrecomputedEmbed holds the precomputed table of P-256 basepoint
// multiples once p256PrecomputeTables has filled it. See [p256Precomputed].
var p256PrecomputedEmbed [43 * 32 * 2 * 4 * 8]byte
