package supervise

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// Link is the server's side of its anchor.
type Link struct {
	conn *net.UnixConn
	pid  int
	gone chan struct{}
}

// Attach returns the link to the anchor this server runs under, or nil
// when it runs under none. The variables naming it are removed, so that
// nothing the server starts sees them.
func Attach() (*Link, error) {
	fdv, pidv := os.Getenv(linkFDEnv), os.Getenv(anchorPIDEnv)
	if fdv == "" {
		return nil, nil
	}
	os.Unsetenv(linkFDEnv)
	os.Unsetenv(anchorPIDEnv)
	fd, err1 := strconv.Atoi(fdv)
	pid, err2 := strconv.Atoi(pidv)
	if err1 != nil || err2 != nil || fd < firstFD || fd > firstFD+maxFDs || pid <= 0 {
		return nil, fmt.Errorf(msgBadLink, linkFDEnv, fdv, anchorPIDEnv, pidv)
	}
	f := os.NewFile(uintptr(fd), "anchor link")
	c, err := net.FileConn(f) // a close-on-exec copy: no session inherits it
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %v", linkFDEnv, fdv, err)
	}
	uc, ok := c.(*net.UnixConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf(msgBadLink, linkFDEnv, fdv, anchorPIDEnv, pidv)
	}
	l := &Link{conn: uc, pid: pid, gone: make(chan struct{})}
	go l.watch()
	return l, nil
}

// watch closes gone when the anchor's end closes: the anchor has exited,
// on its own after STOPPING=1 or killed.
func (l *Link) watch() {
	buf := make([]byte, 64)
	for {
		if _, err := l.conn.Read(buf); err != nil {
			close(l.gone)
			return
		}
	}
}

// Notify sends an sd_notify message through the anchor, which passes it on
// to the service manager as its own.
func (l *Link) Notify(state string) { l.conn.Write([]byte(state)) }

// AnchorPID is the anchor's pid: the one the pid file names and a
// supervisor signals.
func (l *Link) AnchorPID() int { return l.pid }

// Gone is closed once the anchor has exited.
func (l *Link) Gone() <-chan struct{} { return l.gone }
