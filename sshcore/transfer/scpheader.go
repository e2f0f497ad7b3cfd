package transfer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header is one control line of the old scp protocol: "C0644 12 name"
// (a file), "D0755 0 name" (a directory), "E" (end of directory) or
// "T<mtime> 0 <atime> 0" (times of the next file).
type Header struct {
	Kind         byte
	Mode         uint32
	Size         int64
	Name         string
	Mtime, Atime time.Time
}

// ParseHeader reads one control line without its newline. It refuses
// names that would leave the target directory, as OpenSSH does since
// CVE-2018-20685 and CVE-2019-6111.
func ParseHeader(line string) (Header, error) {
	var h Header
	if line == "" {
		return h, errors.New("empty control line")
	}
	h.Kind = line[0]
	rest := line[1:]
	switch h.Kind {
	case 'E':
		if rest != "" {
			return h, fmt.Errorf("unexpected text after E: %q", rest)
		}
		return h, nil
	case 'T':
		f := strings.Split(rest, " ")
		if len(f) != 4 {
			return h, errors.New("mtime.sec not delimited")
		}
		var n [4]int64
		for i, s := range f {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v < 0 || (i%2 == 1 && v > 999999) {
				return h, fmt.Errorf("bad time field %q", s)
			}
			n[i] = v
		}
		h.Mtime = time.Unix(n[0], n[1]*1000)
		h.Atime = time.Unix(n[2], n[3]*1000)
		return h, nil
	case 'C', 'D':
	default:
		return h, fmt.Errorf("expected control record, got %q", line)
	}
	modeS, rest, ok := strings.Cut(rest, " ")
	if !ok || len(modeS) != 4 {
		return h, errors.New("bad mode")
	}
	mode, err := strconv.ParseUint(modeS, 8, 32)
	if err != nil {
		return h, errors.New("bad mode")
	}
	h.Mode = uint32(mode)
	sizeS, name, ok := strings.Cut(rest, " ")
	if !ok {
		return h, errors.New("size not delimited")
	}
	size, err := strconv.ParseInt(sizeS, 10, 64)
	if err != nil || size < 0 {
		return h, errors.New("bad size")
	}
	h.Size = size
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return h, fmt.Errorf("unexpected filename: %s", name)
	}
	h.Name = name
	return h, nil
}

// String is the line as sent, without its newline.
func (h Header) String() string {
	switch h.Kind {
	case 'E':
		return "E"
	case 'T':
		return fmt.Sprintf("T%d 0 %d 0", h.Mtime.Unix(), h.Atime.Unix())
	}
	return fmt.Sprintf("%c%04o %d %s", h.Kind, h.Mode&0o7777, h.Size, h.Name)
}
