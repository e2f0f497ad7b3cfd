package transfer

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// copyRangesOut moves [start, end) of src to several writers at once (one
// per session), each chunk written at its own offset: the slow side of an
// upload is the network, so the writes are what must run in parallel. It
// returns the offset up to which every chunk arrived; the caller truncates
// the destination there after a failure, so that a resume sees a correct
// prefix. Each writer gets perSession workers, a chunk buffer each.
func copyRangesOut(src io.ReaderAt, writers []io.WriterAt, start, end int64, perSession int, set Settings, prog *Progress) (int64, error) {
	chunks := (end - start + chunkSize - 1) / chunkSize
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	doneChunks := map[int64]bool{}
	var prefix int64 // chunks [0, prefix) are complete
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return firstErr != nil }
	var wg sync.WaitGroup
	for w := 0; w < len(writers)*perSession; w++ {
		dst := writers[w%len(writers)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, chunkSize)
			for !failed() {
				i := next.Add(1) - 1
				if i >= chunks {
					return
				}
				if set.cancelled() {
					fail(ErrInterrupted)
					return
				}
				off := start + i*chunkSize
				n := min(int64(chunkSize), end-off)
				got, err := src.ReadAt(buf[:n], off)
				if int64(got) < n {
					if err == nil || errors.Is(err, io.EOF) {
						err = io.ErrUnexpectedEOF
					}
					fail(&readError{err})
					return
				}
				set.Limit.Wait(got)
				if set.cancelled() {
					fail(ErrInterrupted)
					return
				}
				if _, err := dst.WriteAt(buf[:n], off); err != nil {
					fail(&writeError{err})
					return
				}
				prog.Add(n)
				mu.Lock()
				doneChunks[i] = true
				for doneChunks[prefix] {
					delete(doneChunks, prefix)
					prefix++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	done := min(start+prefix*chunkSize, end)
	return done, firstErr
}

// readError marks a failure of the source.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }
