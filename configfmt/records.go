package configfmt

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// The record layer. Files copied in binary from OpenVMS keep their record
// structure (VAR, VFC); files written on Unix, Windows or old Macs are
// streams. Decode tells them apart from the bytes alone, so that every
// reader in sshbox sees plain lines whatever the file's origin.

const (
	maxVARCount = 32767  // RMS limit for one variable-length record
	skipBlock   = 0xFFFF // "no more records in this 512-byte block"
	blockSize   = 512
	vfcCtlSize  = 2 // fixed control area of a VFC record (print control)
)

// String names the format as OpenVMS does.
func (f Format) String() string {
	switch f {
	case StreamLF:
		return "STREAM_LF"
	case StreamCR:
		return "STREAM_CR"
	case Stream:
		return "STREAM"
	case VAR:
		return "VAR"
	case VFC:
		return "VFC"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ReadFile reads path through the record reader and returns its records
// (lines, without terminators). Errors name the file.
func ReadFile(path string) ([]string, error) {
	data, err := readRaw(path)
	if err != nil {
		return nil, err
	}
	recs, _, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}

// Decode detects the record format of data and returns its records.
//
// A file made only of text bytes is a stream file, never VAR: VAR counts
// below 256 put a NUL on disk and short config lines are the rule, so a
// record file without any non-text byte does not occur in practice. A file
// with non-text bytes is a record file when its count chain lands exactly on
// the end of the file with printable records; when the chain breaks and the
// file holds NULs (which text never does) or starts like a VAR record, the
// error names the byte offset where it broke.
func Decode(data []byte) ([]string, Format, error) {
	if isText(data) {
		recs, f := decodeStream(data)
		return recs, f, nil
	}
	raw, err := walkVAR(data)
	if err == nil {
		if recs, ok := asVFC(raw); ok {
			return recs, VFC, nil
		}
		if off, at, c, bad := firstUnprintable(raw); bad {
			err = fmt.Errorf("VAR record at byte offset %d: byte 0x%02x at offset %d is not text", off, c, at)
		} else {
			recs := make([]string, len(raw))
			for i, r := range raw {
				recs[i] = string(r.data)
			}
			return recs, VAR, nil
		}
	}
	// A record file shows it in its first bytes: a plausible count before
	// printable data, or a NUL (the high byte of a short count) before any
	// line end. A text file whose tail was zero-filled by a crash, or that
	// holds a stray control byte (an ESC, a ^Z), is still text.
	nul, eol := bytes.IndexByte(data, 0), bytes.IndexAny(data, "\r\n")
	if startsLikeVAR(data) || nul >= 0 && (eol < 0 || nul < eol) {
		return nil, VAR, err
	}
	recs, f := decodeStream(bytes.TrimRight(data, "\x00"))
	return recs, f, nil
}

// isText reports whether data holds only bytes a text file holds.
func isText(data []byte) bool {
	for _, c := range data {
		if !textByte(c) {
			return false
		}
	}
	return true
}

func textByte(c byte) bool {
	return c >= 0x20 && c != 0x7f || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c >= 0x80
}

// recordByte is textByte without the line terminators: a record never holds
// them.
func recordByte(c byte) bool {
	return c != '\n' && c != '\r' && textByte(c)
}

func decodeStream(data []byte) ([]string, Format) {
	if len(data) == 0 {
		return nil, StreamLF
	}
	lf := bytes.Count(data, []byte{'\n'})
	crlf := bytes.Count(data, []byte("\r\n"))
	var sep []byte
	var f Format
	switch {
	case lf > 0 && crlf == lf:
		sep, f = []byte("\r\n"), Stream
	case lf > 0:
		sep, f = []byte{'\n'}, StreamLF
	case bytes.IndexByte(data, '\r') >= 0:
		sep, f = []byte{'\r'}, StreamCR
	default:
		return []string{string(data)}, StreamLF
	}
	parts := bytes.Split(data, sep)
	if len(parts[len(parts)-1]) == 0 {
		parts = parts[:len(parts)-1]
	}
	recs := make([]string, len(parts))
	for i, p := range parts {
		if f == StreamLF {
			// A STREAM_LF file edited on Windows: drop the stray CR.
			p = bytes.TrimSuffix(p, []byte{'\r'})
		}
		recs[i] = string(p)
	}
	return recs, f
}

type rawRecord struct {
	off  int // byte offset of the count word
	data []byte
}

// walkVAR follows the count chain from offset 0 to the end of data.
func walkVAR(data []byte) ([]rawRecord, error) {
	var recs []rawRecord
	size := len(data)
	for off := 0; off < size; {
		if off+2 > size {
			return nil, fmt.Errorf("VAR record at byte offset %d: count word cut short by end of file (size %d)", off, size)
		}
		n := int(binary.LittleEndian.Uint16(data[off:]))
		if n == skipBlock {
			off = (off/blockSize + 1) * blockSize
			continue
		}
		if n > maxVARCount {
			return nil, fmt.Errorf("VAR record at byte offset %d: count %d exceeds %d", off, n, maxVARCount)
		}
		end := off + 2 + n
		if end > size {
			return nil, fmt.Errorf("VAR record at byte offset %d: count %d runs past end of file (size %d)", off, n, size)
		}
		recs = append(recs, rawRecord{off: off, data: data[off+2 : end]})
		// Odd counts are padded so the next count starts on an even
		// offset; a pad missing at the very end of the file is tolerated.
		off = end + end%2
	}
	return recs, nil
}

// asVFC recognizes VFC records: every record carries a control area that
// is not text, followed by printable data.
func asVFC(raw []rawRecord) ([]string, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	binaryCtl := false
	recs := make([]string, len(raw))
	for i, r := range raw {
		if len(r.data) < vfcCtlSize || !printable(r.data[vfcCtlSize:]) {
			return nil, false
		}
		if !printable(r.data[:vfcCtlSize]) {
			binaryCtl = true
		}
		recs[i] = string(r.data[vfcCtlSize:])
	}
	return recs, binaryCtl
}

func printable(b []byte) bool {
	for _, c := range b {
		if !recordByte(c) {
			return false
		}
	}
	return true
}

// firstUnprintable finds the first non-text byte inside a record: the
// record's offset, the byte's offset and the byte.
func firstUnprintable(raw []rawRecord) (int, int, byte, bool) {
	for _, r := range raw {
		for j, c := range r.data {
			if !recordByte(c) {
				return r.off, r.off + 2 + j, c, true
			}
		}
	}
	return 0, 0, 0, false
}

// startsLikeVAR reports whether data opens with a plausible count followed
// by printable record bytes, as a VAR file whose chain broke further on
// does.
func startsLikeVAR(data []byte) bool {
	if len(data) < 2 {
		return false
	}
	n := int(binary.LittleEndian.Uint16(data))
	if n == skipBlock {
		return true
	}
	if n == 0 || n > maxVARCount {
		return false
	}
	// A file cut inside its first record still starts like one.
	return printable(data[2:min(2+n, len(data))])
}

// Encode writes records in format f (the inverse of Decode). VAR and VFC
// records longer than the RMS limit are cut at it.
func Encode(records []string, f Format) []byte {
	var b bytes.Buffer
	for _, r := range records {
		switch f {
		case StreamCR:
			b.WriteString(r + "\r")
		case Stream:
			b.WriteString(r + "\r\n")
		case VAR, VFC:
			ctl := 0
			if f == VFC {
				ctl = vfcCtlSize
			}
			if len(r)+ctl > maxVARCount {
				r = r[:maxVARCount-ctl]
			}
			n := len(r) + ctl
			b.Write([]byte{byte(n), byte(n >> 8)})
			if f == VFC {
				b.Write([]byte{0x01, 0x8D}) // LF before, CR after
			}
			b.WriteString(r)
			if n%2 == 1 {
				b.WriteByte(0)
			}
		default:
			b.WriteString(r + "\n")
		}
	}
	return b.Bytes()
}
