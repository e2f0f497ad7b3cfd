// Package loglevel is OpenSSH's LogLevel scale, shared by the client's and
// the server's loggers (which differ in where lines go, not in what the
// levels mean).
package loglevel

import (
	"fmt"
	"strings"
)

// Level is an OpenSSH LogLevel; a larger value shows more.
type Level int

const (
	Quiet Level = iota
	Fatal
	Error
	Info
	Verbose
	Debug1
	Debug2
	Debug3
)

// Parse maps a LogLevel keyword (any case) to a Level; "" is INFO, as in
// OpenSSH.
func Parse(s string) (Level, error) {
	switch strings.ToUpper(s) {
	case "", "INFO":
		return Info, nil
	case "QUIET":
		return Quiet, nil
	case "FATAL":
		return Fatal, nil
	case "ERROR":
		return Error, nil
	case "VERBOSE":
		return Verbose, nil
	case "DEBUG", "DEBUG1":
		return Debug1, nil
	case "DEBUG2":
		return Debug2, nil
	case "DEBUG3":
		return Debug3, nil
	}
	return 0, fmt.Errorf("unsupported log level %q", s)
}

// String is the level's name as OpenSSH's log_level_name gives it (and ~V
// shows it): QUIET is SILENT and DEBUG1 is DEBUG, the names its table has
// first.
func (l Level) String() string {
	names := [...]string{"SILENT", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG2", "DEBUG3"}
	if l >= 0 && int(l) < len(names) {
		return names[l]
	}
	return fmt.Sprintf("Level(%d)", int(l))
}
