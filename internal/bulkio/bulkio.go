// Package bulkio copies between the child's pipes, the terminal and SSH
// channels with a buffer that grows only when the traffic is bulk, so an
// idle or interactive session keeps io.Copy's 32 KiB while a transfer
// moves 256 KiB per read and write system call.
package bulkio

import (
	"errors"
	"io"
)

const (
	// startSize is io.Copy's buffer: what every session pays.
	startSize = 32 << 10
	// bulkSize is what a copy grows to once a read fills the buffer: eight
	// 32 KiB SSH packets per pipe read, one channel read per window batch.
	bulkSize = 256 << 10
)

// Copy is io.Copy without its WriterTo/ReaderFrom short cuts (which, for
// an *os.File on either side, fall back to a fixed 32 KiB buffer) and with
// a buffer that grows from 32 KiB to 256 KiB the first time a read fills
// it. Its results are io.Copy's.
func Copy(dst io.Writer, src io.Reader) (written int64, err error) {
	buf := make([]byte, startSize)
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			w, werr := dst.Write(buf[:n])
			if w < 0 || w > n {
				w, werr = 0, errInvalidWrite
			}
			written += int64(w)
			if werr != nil {
				return written, werr
			}
			if w != n {
				return written, io.ErrShortWrite
			}
			if n == len(buf) && len(buf) < bulkSize {
				buf = make([]byte, bulkSize)
			}
		}
		if rerr != nil {
			if rerr == io.EOF {
				return written, nil
			}
			return written, rerr
		}
	}
}

// errInvalidWrite is io.Copy's answer to a Writer that claims more than
// it was given.
var errInvalidWrite = errors.New("invalid write result")

// Writer gives W a ReadFrom that uses Copy, so that code which calls
// io.Copy(w, r) itself (x/crypto's Session copying into Session.Stdout)
// gets the growing buffer too.
type Writer struct{ W io.Writer }

func (w Writer) Write(p []byte) (int, error) { return w.W.Write(p) }

// ReadFrom copies r into W until EOF.
func (w Writer) ReadFrom(r io.Reader) (int64, error) { return Copy(w.W, r) }
