package tun

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Open creates or attaches to tun<unit> (PointToPoint) or tap<unit>
// (Ethernet), or the next free one for Any, as OpenSSH's sys_tun_open on
// Linux: IFF_NO_PI, so reads and writes are bare packets or frames. It
// returns the device, non-blocking so that closing it ends a pending Read,
// and the interface's name. Creating a device needs CAP_NET_ADMIN;
// attaching to a persistent one its owner made does not, which is how a
// user other than root gets one (OpenSSH: "the permissions of the selected
// tun(4) device must allow access to the user").
func Open(unit uint32, mode Mode) (*os.File, string, error) {
	if unit != Any && unit > Max {
		return nil, "", fmt.Errorf("invalid tunnel id %x", unit)
	}
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, "", fmt.Errorf("failed to open tunnel control interface: %w", err)
	}
	flags, name := uint16(unix.IFF_TUN), "tun"
	if mode == Ethernet {
		flags, name = unix.IFF_TAP, "tap"
	}
	if unit == Any {
		name = "" // the kernel names it tun%d / tap%d, the next free one
	} else {
		name += UnitText(unit)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, "", err
	}
	ifr.SetUint16(flags | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return nil, "", fmt.Errorf("failed to configure tunnel (mode %d): %w", mode, err)
	}
	return os.NewFile(uintptr(fd), "/dev/net/tun"), ifr.Name(), nil
}

// Pollable makes a device received from another process (sshd's helper
// that opened it as the user) non-blocking, so that Close ends a Read.
// It returns a new *os.File and closes f.
func Pollable(f *os.File) (*os.File, error) {
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	nfd := -1
	cerr := rc.Control(func(fd uintptr) {
		nfd, err = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
		if err == nil {
			err = unix.SetNonblock(nfd, true)
		}
	})
	if cerr != nil {
		err = cerr
	}
	if err != nil {
		if nfd >= 0 {
			unix.Close(nfd)
		}
		return nil, err
	}
	return os.NewFile(uintptr(nfd), f.Name()), nil
}
