// sshbox: added to golang.org/x/crypto/ssh by scripts/xcrypto (see
// _xcrypto/README.md).

package ssh

import (
	"bufio"
	"io"
)

// clientReadBuffer is the client's read buffer on the connection. x/crypto
// reads through bufio's 4 KiB, so a 32 KiB packet took two reads or more
// (the first 4 KiB with its length, then the rest), and on one core, where
// ssh, sshd and the command take turns, the client blocked in about every
// other read. With 128 KiB a read takes what has arrived, up to four
// packets: one-core 1 GiB aes128-gcm downloads, eight alternated, client
// CPU 0.69-0.76 s where it was 0.71-1.06 s (docs/performance.md, "A
// larger read buffer for the client"). Servers keep 4 KiB: sshd holds a
// transport for every connection, idle or not.
const clientReadBuffer = 128 << 10

// sizeReadBuffer gives a client's transport its larger read buffer;
// newTransport calls it before anything is read.
func (t *transport) sizeReadBuffer(rwc io.Reader) {
	if t.isClient {
		t.bufReader = bufio.NewReaderSize(rwc, clientReadBuffer)
	}
}
