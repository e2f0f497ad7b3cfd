package roff

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// maxUnpacked bounds the decoded pages (257 KiB in 2026).
const maxUnpacked = 4 << 20

// unpack splits the release build's packed pages ("PATH SIZE\n" and SIZE
// bytes, one after another, in the order of their paths). It is built into
// both builds, so that its tests run without the tag.
func unpack(data []byte) ([]page, error) {
	var out []page
	for off := 0; off < len(data); {
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			return nil, fmt.Errorf("man pages: byte %d: no header line", off)
		}
		path, size, ok := bytes.Cut(data[off:off+nl], []byte{' '})
		n, err := strconv.Atoi(string(size))
		if !ok || !strings.HasPrefix(string(path), "man") || strings.Contains(string(path), "..") || err != nil || n < 0 || n > len(data)-(off+nl+1) {
			return nil, fmt.Errorf("man pages: byte %d: bad header %q", off, data[off:off+nl])
		}
		if len(out) > 0 && string(path) <= out[len(out)-1].path {
			return nil, fmt.Errorf("man pages: byte %d: %s out of order", off, path)
		}
		off += nl + 1
		out = append(out, page{string(path), data[off : off+n]})
		off += n
	}
	return out, nil
}
