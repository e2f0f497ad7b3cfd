package knownhosts

import (
	"sshbox/configfmt"
)

// readLines reads a known_hosts file through the record reader, so files in
// any record format (STREAM_LF, STREAM_CR, VAR, VFC...) are understood.
func readLines(path string) ([]string, error) {
	return configfmt.ReadFile(path)
}
