package moduli

import "time"

// now and ctime are the clock of the progress lines, which OpenSSH starts
// with ctime(3)'s local time.
var now = time.Now

func ctime() string { return now().Format("Mon Jan _2 15:04:05 2006") }
