package server

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

func encodeModes(pairs ...uint32) string {
	var b []byte
	for i := 0; i < len(pairs); i += 2 {
		b = append(b, byte(pairs[i]))
		b = binary.BigEndian.AppendUint32(b, pairs[i+1])
	}
	return string(append(b, 0))
}

func TestOpenPtyAppliesModes(t *testing.T) {
	a := &account{UID: uint32(os.Getuid()), GID: uint32(os.Getgid())}
	modes := encodeModes(53, 0, 1, 7, 72, 0, 91, 1) // ECHO off, VINTR ^G, ONLCR off, CS8
	p, err := openPty(ptyRequestMsg{Term: "vt100", Columns: 132, Rows: 43, Modelist: modes}, a)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	tm, err := unix.IoctlGetTermios(int(p.tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tm.Lflag&unix.ECHO != 0 || tm.Cc[unix.VINTR] != 7 || tm.Oflag&unix.ONLCR != 0 || tm.Cflag&unix.CSIZE != unix.CS8 {
		t.Errorf("modes not applied: %+v", tm)
	}
	rows, cols, err := pty.Getsize(p.master)
	if err != nil || rows != 43 || cols != 132 {
		t.Errorf("size %dx%d %v", cols, rows, err)
	}
	if err := p.windowChange([]byte{0, 0, 0, 80, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if rows, cols, _ := pty.Getsize(p.master); rows != 24 || cols != 80 {
		t.Errorf("after window-change: %dx%d", cols, rows)
	}
	if err := applyModes(p.tty, []byte{53, 0, 0}); err == nil {
		t.Error("truncated modes accepted")
	}
}

func FuzzTerminalModes(f *testing.F) {
	f.Add([]byte(encodeModes(53, 0, 1, 3, 128, 38400, 129, 38400)))
	f.Add([]byte{200, 1, 2, 3})
	f.Add([]byte{53, 0})
	_, tty, err := pty.Open()
	if err != nil {
		f.Fatal(err)
	}
	defer tty.Close()
	f.Fuzz(func(t *testing.T, modes []byte) {
		applyModes(tty, modes)
	})
}
