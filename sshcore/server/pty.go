package server

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"
	"golang.org/x/sys/unix"
)

// sessionPty is the terminal of a session that asked for one.
type sessionPty struct {
	term   string
	master *os.File
	tty    *os.File // closed in sshd once the child has it
}

// ptyRequestMsg is the payload of "pty-req" (RFC 4254 6.2).
type ptyRequestMsg struct {
	Term     string
	Columns  uint32
	Rows     uint32
	Width    uint32
	Height   uint32
	Modelist string
}

// windowChangeMsg is the payload of "window-change" (RFC 4254 6.7).
type windowChangeMsg struct {
	Columns uint32
	Rows    uint32
	Width   uint32
	Height  uint32
}

// openPty allocates a terminal for a, sized and set up as the client asked.
func openPty(req ptyRequestMsg, a *account) (*sessionPty, error) {
	master, tty, err := pty.Open()
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*sessionPty, error) {
		master.Close()
		tty.Close()
		return nil, err
	}
	if err := setWinsize(master, req.Columns, req.Rows, req.Width, req.Height); err != nil {
		return fail(err)
	}
	if err := applyModes(tty, []byte(req.Modelist)); err != nil {
		return fail(err)
	}
	if os.Geteuid() == 0 {
		// As OpenSSH's pty_setowner: the user owns the terminal, the tty
		// group may write to it.
		gid := ttyGroup()
		mode := os.FileMode(0o620)
		if gid < 0 {
			gid, mode = int(a.GID), 0o600
		}
		if err := os.Chown(tty.Name(), int(a.UID), gid); err != nil {
			return fail(err)
		}
		if err := os.Chmod(tty.Name(), mode); err != nil {
			return fail(err)
		}
	}
	return &sessionPty{term: req.Term, master: master, tty: tty}, nil
}

func setWinsize(f *os.File, cols, rows, width, height uint32) error {
	clamp := func(v uint32) uint16 { return uint16(min(v, 0xffff)) }
	return pty.Setsize(f, &pty.Winsize{Cols: clamp(cols), Rows: clamp(rows), X: clamp(width), Y: clamp(height)})
}

func (p *sessionPty) windowChange(payload []byte) error {
	var m windowChangeMsg
	if err := ssh.Unmarshal(payload, &m); err != nil {
		return err
	}
	return setWinsize(p.master, m.Columns, m.Rows, m.Width, m.Height)
}

func (p *sessionPty) close() {
	p.master.Close()
	if p.tty != nil {
		p.tty.Close()
	}
}

// Terminal mode opcodes of RFC 4254 section 8 that Linux has.
var (
	ccModes = map[byte]int{
		1: unix.VINTR, 2: unix.VQUIT, 3: unix.VERASE, 4: unix.VKILL, 5: unix.VEOF,
		6: unix.VEOL, 7: unix.VEOL2, 8: unix.VSTART, 9: unix.VSTOP, 10: unix.VSUSP,
		12: unix.VREPRINT, 13: unix.VWERASE, 14: unix.VLNEXT, 18: unix.VDISCARD,
	}
	iflagModes = map[byte]uint32{
		30: unix.IGNPAR, 31: unix.PARMRK, 32: unix.INPCK, 33: unix.ISTRIP, 34: unix.INLCR,
		35: unix.IGNCR, 36: unix.ICRNL, 37: unix.IUCLC, 38: unix.IXON, 39: unix.IXANY,
		40: unix.IXOFF, 41: unix.IMAXBEL, 42: unix.IUTF8,
	}
	lflagModes = map[byte]uint32{
		50: unix.ISIG, 51: unix.ICANON, 52: unix.XCASE, 53: unix.ECHO, 54: unix.ECHOE,
		55: unix.ECHOK, 56: unix.ECHONL, 57: unix.NOFLSH, 58: unix.TOSTOP, 59: unix.IEXTEN,
		60: unix.ECHOCTL, 61: unix.ECHOKE, 62: unix.PENDIN,
	}
	oflagModes = map[byte]uint32{
		70: unix.OPOST, 71: unix.OLCUC, 72: unix.ONLCR, 73: unix.OCRNL, 74: unix.ONOCR, 75: unix.ONLRET,
	}
	cflagModes = map[byte]uint32{90: unix.CS7, 91: unix.CS8, 92: unix.PARENB, 93: unix.PARODD}
)

// applyModes sets the encoded terminal modes of a pty-req on tty. Opcodes
// Linux lacks are skipped; the list ends at TTY_OP_END (0) or at the first
// opcode past 159, whose argument size is not defined.
func applyModes(tty *os.File, modes []byte) error {
	t, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		return err
	}
	for len(modes) > 0 {
		op := modes[0]
		if op == 0 || op >= 160 {
			break
		}
		if len(modes) < 5 {
			return fmt.Errorf("terminal modes: truncated argument of opcode %d", op)
		}
		arg := binary.BigEndian.Uint32(modes[1:5])
		modes = modes[5:]
		setFlag := func(flags *uint32, bit uint32) {
			if arg != 0 {
				*flags |= bit
			} else {
				*flags &^= bit
			}
		}
		if i, ok := ccModes[op]; ok {
			t.Cc[i] = byte(arg)
		} else if b, ok := iflagModes[op]; ok {
			setFlag(&t.Iflag, b)
		} else if b, ok := lflagModes[op]; ok {
			setFlag(&t.Lflag, b)
		} else if b, ok := oflagModes[op]; ok {
			setFlag(&t.Oflag, b)
		} else if b, ok := cflagModes[op]; ok {
			if op == 90 || op == 91 {
				if arg != 0 {
					t.Cflag = t.Cflag&^unix.CSIZE | b
				}
			} else {
				setFlag(&t.Cflag, b)
			}
		}
	}
	return unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, t)
}
