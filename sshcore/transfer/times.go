package transfer

import (
	"os"
	"syscall"
	"time"
)

func timeOf(unix uint32) time.Time { return time.Unix(int64(unix), 0) }

// atimeOf is the access time of a local file, for -p.
func atimeOf(st os.FileInfo) time.Time {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return time.Unix(int64(s.Atim.Sec), int64(s.Atim.Nsec)) // int32 on 32-bit targets
	}
	return st.ModTime()
}
