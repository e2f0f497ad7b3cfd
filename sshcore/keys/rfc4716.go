package keys

import (
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

const (
	rfc4716Begin = "---- BEGIN SSH2 PUBLIC KEY ----"
	rfc4716End   = "---- END SSH2 PUBLIC KEY ----"
)

// ParseRFC4716 reads an RFC 4716 ("SSH2 PUBLIC KEY") file, the format of
// ssh2 installations, returning the key and its headers (Comment unquoted).
// Errors name the line.
func ParseRFC4716(data []byte) (ssh.PublicKey, map[string]string, error) {
	blob, headers, endLine, err := parseArmor(data, rfc4716Begin, rfc4716End)
	if err != nil {
		return nil, nil, err
	}
	k, err := ParsePublicKey(blob)
	if err != nil {
		return nil, nil, fmt.Errorf("line %d: %v", endLine, err)
	}
	return k, headers, nil
}

// parseArmor reads the "---- BEGIN ... ----" framing RFC 4716 defines
// (also used by ssh.com private keys): headers with "\" continuations,
// then base64 up to the end line, whose number it returns.
func parseArmor(data []byte, begin, end string) ([]byte, map[string]string, int, error) {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	i := 0
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != begin; i++ {
	}
	if i == len(lines) {
		return nil, nil, 0, fmt.Errorf("line 1: missing %q", begin)
	}
	headers := map[string]string{}
	var body strings.Builder
	inHeaders := true
	for i++; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t\r")
		if line == end {
			blob, err := base64.StdEncoding.DecodeString(body.String())
			if err != nil {
				return nil, nil, 0, fmt.Errorf("line %d: bad base64 key data", i+1)
			}
			return blob, headers, i + 1, nil
		}
		if inHeaders && strings.Contains(line, ":") {
			tag, value, _ := strings.Cut(line, ":")
			start := i + 1
			// A trailing backslash continues the header on the next line.
			for strings.HasSuffix(value, "\\") {
				i++
				if i >= len(lines) {
					return nil, nil, 0, fmt.Errorf("line %d: header continues past end of file", start)
				}
				value = value[:len(value)-1] + strings.TrimRight(lines[i], " \t\r")
			}
			tag = strings.TrimSpace(tag)
			if tag == "" || len(tag) > 64 || strings.ContainsAny(tag, " \t") {
				return nil, nil, 0, fmt.Errorf("line %d: bad header tag %q", start, tag)
			}
			value = strings.TrimSpace(value)
			if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
				value = value[1 : len(value)-1]
			}
			headers[tag] = value
			continue
		}
		inHeaders = false
		body.WriteString(strings.TrimSpace(line))
	}
	return nil, nil, 0, fmt.Errorf("line %d: missing %q", len(lines), end)
}

// MarshalRFC4716 writes key in RFC 4716 form with a Comment header (when
// comment is not empty), base64 wrapped at 70 columns as ssh-keygen -e.
func MarshalRFC4716(key ssh.PublicKey, comment string) []byte {
	var b strings.Builder
	b.WriteString(rfc4716Begin + "\n")
	if comment != "" {
		h := "Comment: \"" + strings.ReplaceAll(comment, "\"", "'") + "\""
		// Header lines are at most 72 bytes; continue with a backslash.
		for len(h) > 72 {
			b.WriteString(h[:71] + "\\\n")
			h = h[71:]
		}
		b.WriteString(h + "\n")
	}
	enc := base64.StdEncoding.EncodeToString(key.Marshal())
	for len(enc) > 70 {
		b.WriteString(enc[:70] + "\n")
		enc = enc[70:]
	}
	b.WriteString(enc + "\n")
	b.WriteString(rfc4716End + "\n")
	return []byte(b.String())
}

// ConvertedComment is the Comment ssh-keygen -e writes:
// "256-bit ED25519, converted by user@host from OpenSSH".
func ConvertedComment(key ssh.PublicKey, userAtHost string) string {
	return fmt.Sprintf("%d-bit %s, converted by %s from OpenSSH", Bits(key), TypeLabel(key), userAtHost)
}
