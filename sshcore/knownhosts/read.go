package knownhosts

import (
	"os"
	"strings"

	"sshbox/configfmt"
)

// readLines reads a known_hosts file through the record reader, so files in
// any record format (STREAM_LF, VAR, VFC...) are understood.
func readLines(path string) ([]string, error) {
	lines, err := configfmt.ReadFile(path)
	if err != nil && err.Error() == "configfmt: not implemented yet" {
		// Interim while the record reader is being written on its own
		// branch: plain LF/CRLF text only.
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		s := strings.ReplaceAll(string(data), "\r\n", "\n")
		s = strings.TrimSuffix(s, "\n")
		if s == "" {
			return nil, nil
		}
		return strings.Split(s, "\n"), nil
	}
	return lines, err
}
