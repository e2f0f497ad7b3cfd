package supervise

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestLink: the server's side sends its messages to the anchor whole, and
// sees the anchor go when the anchor's end closes.
func TestLink(t *testing.T) {
	pair, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_SEQPACKET|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours := os.NewFile(uintptr(pair[0]), "anchor")
	t.Setenv(linkFDEnv, fmt.Sprint(pair[1]))
	t.Setenv(anchorPIDEnv, "4242")
	l, err := Attach()
	if err != nil || l == nil {
		t.Fatalf("Attach: %v %v", l, err)
	}
	if os.Getenv(linkFDEnv) != "" || os.Getenv(anchorPIDEnv) != "" {
		t.Error("the link's variables are left for children to see")
	}
	if l.AnchorPID() != 4242 {
		t.Errorf("anchor pid %d", l.AnchorPID())
	}
	c, err := net.FileConn(ours)
	if err != nil {
		t.Fatal(err)
	}
	ours.Close()
	l.Notify("READY=1\nMAINPID=4242")
	l.Notify("STOPPING=1")
	buf := make([]byte, 100)
	for _, want := range []string{"READY=1\nMAINPID=4242", "STOPPING=1"} {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("anchor read %q, %v; want %q", buf[:n], err, want)
		}
	}
	select {
	case <-l.Gone():
		t.Fatal("gone while the anchor's end is open")
	default:
	}
	c.Close()
	select {
	case <-l.Gone():
	case <-time.After(30 * time.Second):
		t.Fatal("the anchor's end closed but the link did not notice")
	}
}

func TestAttachBadLink(t *testing.T) {
	for _, c := range [][2]string{{"x", "1"}, {"1", "1"}, {"7", ""}, {"7", "-3"}} {
		t.Setenv(linkFDEnv, c[0])
		t.Setenv(anchorPIDEnv, c[1])
		if l, err := Attach(); err == nil || l != nil {
			t.Errorf("%q: %v %v, want an error", c, l, err)
		}
	}
	t.Setenv(linkFDEnv, "")
	if l, err := Attach(); l != nil || err != nil {
		t.Errorf("no link: %v %v", l, err)
	}
}
