package keys

import (
	"os"
	"syscall"
)

func ownedByCaller(st os.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Getuid()
}
