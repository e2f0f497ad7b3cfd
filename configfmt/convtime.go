package configfmt

// ParseTime is OpenSSH's convtime for the applets that take a time
// argument on the command line (ssh-agent -t, ssh-add -t): "90", "1m30s",
// "2h", units s m h d w.
func ParseTime(s string) (int, error) { return parseTime(s) }
