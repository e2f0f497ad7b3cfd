// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds, with the lines scripts/xcrypto puts into cipher.go,
// transport.go, buffer.go and channel.go to call it (sshbox's
// _xcrypto/README.md).

package ssh

import "sync"

// Every packet a connection receives ends up in memory of its own: the
// AEAD ciphers decrypt into a fresh buffer (freshread_sshbox.go) and
// readPacket copies the others. For a bulk transfer that is a 32 KiB
// allocation per packet, which the runtime zeroes before the decryption
// overwrites it, which the kernel faults in while the heap grows, and
// which the collector then frees. A channel data packet, once its data has
// been read out of the channel's buffer, is referred to by nothing (the
// buffer holds the data and nothing else sees the packet), so the
// buffer gives it back here and the next packet is decrypted into it.
// x/crypto's BenchmarkEndToEnd on one P (1 MiB writes through a channel,
// both ends in one process): 906 -> 1123 MB/s (medians of six alternated
// runs); docs/performance.md, "Packets recycled", has the bench. Packets of other kinds, and data packets whose channel is
// closed before they are read, are left to the collector as before.

// pooledPacket is the least packet length worth a pooled buffer: bulk data
// comes in packets of 32 KiB, interactive data in far smaller ones, which
// the allocator serves cheaply from its per-P caches.
const pooledPacket = 16 << 10

// packetCap is the capacity of a new pooled buffer: the largest packet
// OpenSSH and sshbox send (32 KiB of data with the channel header and
// padding) with room to spare, since each reuse starts one byte further
// in (the ciphers hand on the packet without its padding-length byte, and
// only that slice comes back).
const packetCap = 32<<10 + 4<<10

var packets sync.Pool // *[]byte

// getPacket returns n bytes of memory nothing else refers to, not zeroed:
// the caller writes all of it before anything reads it (the AEAD ciphers
// decrypt into all n bytes, readPacket copies n bytes in; a packet that
// fails authentication is dropped, not given back), so nothing of an
// earlier packet, of this connection or another, can be read through it.
func getPacket(n int) []byte {
	if n < pooledPacket {
		return make([]byte, n)
	}
	if p, ok := packets.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]byte, n, max(n, packetCap))
}

// putPacket takes back a packet nothing refers to any more.
func putPacket(p []byte) {
	if cap(p) >= pooledPacket {
		packets.Put(&p)
	}
}

// writePacket is buffer.write for data that is part of packet, which the
// buffer gives back to the pool once the data has been read.
func (b *buffer) writePacket(buf, packet []byte) {
	b.Cond.L.Lock()
	e := &element{buf: buf, pkt: packet}
	b.tail.next = e
	b.tail = e
	b.Cond.Signal()
	b.Cond.L.Unlock()
}

// recycle gives e's packet back once its data has been read (Read moves
// past it), and forgets it.
func (e *element) recycle() {
	if e.pkt != nil {
		putPacket(e.pkt)
		e.pkt = nil
	}
}
