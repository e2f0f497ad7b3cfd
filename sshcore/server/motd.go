package server

import (
	"bytes"
	"io"
	"os"
)

// motdPath is the message of the day shown by PrintMotd.
var motdPath = "/etc/motd"

// motd returns the message of the day for an interactive login: with a
// terminal, the line ends as the terminal would have written them. It is
// read at each login (at most 64 KiB); a missing file shows nothing.
func motd() []byte {
	f, err := os.Open(motdPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}
