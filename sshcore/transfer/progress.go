package transfer

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"sshbox/internal/vis"
)

// Progress is OpenSSH's progress meter (progressmeter.c): the file name,
// percent, bytes so far, a smoothed rate and the ETA, redrawn in place once
// a second and kept, with the elapsed time, when the file is done.
type Progress struct {
	w                 io.Writer
	width             func() int
	name              string
	start, end        int64 // offsets: a resumed transfer starts past 0
	counter           atomic.Int64
	startTime, last   time.Time
	lastPos           int64
	rate, stalled     float64
	stop              chan struct{}
	done              sync.WaitGroup
	now               func() time.Time
	updateEverySecond bool
	utf8              bool // the locale's: how the name is escaped
}

// ShowProgress reports whether a meter belongs on stdout: a terminal, and
// not -q.
func ShowProgress(quiet bool) bool {
	return !quiet && term.IsTerminal(int(os.Stdout.Fd()))
}

// StartProgress begins a meter for name, from offset start of size bytes,
// drawn on stdout. A nil *Progress is a meter that draws nothing.
func StartProgress(name string, start, size int64) *Progress {
	p := newProgress(os.Stdout, stdoutWidth, time.Now, vis.UTF8Locale(), name, start, size)
	p.updateEverySecond = true
	p.done.Add(1)
	go p.tick()
	return p
}

func newProgress(w io.Writer, width func() int, now func() time.Time, utf8 bool, name string, start, size int64) *Progress {
	p := &Progress{w: w, width: width, now: now, utf8: utf8, name: name, start: start, end: size, stop: make(chan struct{})}
	p.counter.Store(start)
	p.lastPos = start
	p.startTime = now()
	p.last = p.startTime
	p.draw()
	return p
}

func stdoutWidth() int {
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
		return w
	}
	return 80
}

// Add counts n more bytes moved.
func (p *Progress) Add(n int64) {
	if p != nil {
		p.counter.Add(n)
	}
}

func (p *Progress) tick() {
	defer p.done.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.draw()
		}
	}
}

// Finish draws the last state and ends the line.
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	if p.updateEverySecond {
		close(p.stop)
		p.done.Wait()
	}
	p.draw()
	fmt.Fprint(p.w, "\n")
}

const stallTime = 5 // seconds without progress before "- stalled -"

// draw is refresh_progress_meter.
func (p *Progress) draw() {
	cur := p.counter.Load()
	now := p.now()
	transferred := cur - p.lastPos
	p.lastPos = cur
	left := p.end - cur
	var elapsed float64
	if left > 0 {
		elapsed = now.Sub(p.last).Seconds()
	} else {
		elapsed = now.Sub(p.startTime).Seconds()
		transferred = p.end - p.start
		p.rate = 0
	}
	speed := float64(transferred)
	if elapsed != 0 {
		speed = float64(transferred) / elapsed
	}
	if p.rate != 0 {
		p.rate = p.rate*0.9 + speed*0.1
	} else {
		p.rate = speed
	}
	p.last = now
	// win_size is the columns and a byte for C's '\0', which the field
	// widths are reckoned from.
	winSize := min(p.width(), maxWinSize) + 1
	if winSize < 4 {
		return
	}
	var b strings.Builder
	if n := winSize - 36; n > 0 {
		// The name is the server's: escaped and cut at n columns (after
		// "%-*s" padded it in bytes), and not padded again, as 9.2's
		// snmprintf into the line leaves it.
		name, _ := vis.Field(vis.PadBytes(p.name, n), n, p.utf8)
		b.WriteString("\r" + name)
	}
	percent := 100
	if p.end != 0 && cur != p.end {
		percent = int(float64(cur) / float64(p.end) * 100)
	}
	fmt.Fprintf(&b, " %3d%% %s %s/s ", percent, formatSize(cur), formatRate(int64(p.rate)))
	if transferred == 0 {
		p.stalled += elapsed
	} else {
		p.stalled = 0
	}
	switch {
	case p.stalled >= stallTime:
		b.WriteString("- stalled -")
	case p.rate == 0 && left > 0:
		b.WriteString("  --:-- ETA")
	default:
		var secs int
		if left > 0 {
			secs = int(float64(left) / p.rate)
		} else {
			secs = int(elapsed)
		}
		h, m, s := secs/3600, secs%3600/60, secs%60
		if h != 0 {
			fmt.Fprintf(&b, "%d:%02d:%02d", h, m, s)
		} else {
			fmt.Fprintf(&b, "  %02d:%02d", m, s)
		}
		if left > 0 {
			b.WriteString(" ETA")
		} else {
			b.WriteString("    ")
		}
	}
	// The line is cut at the window's width in bytes, the carriage
	// return's among them. (OpenSSH writes exactly that many bytes, the
	// string's terminating NUL and whatever follows it in its buffer
	// when the line is shorter: nothing a terminal shows, and not
	// repeated here.)
	line := b.String()
	if len(line) > winSize-1 {
		line = line[:winSize-1]
	}
	fmt.Fprint(p.w, line)
}

const maxWinSize = 512 // progressmeter.c's MAX_WINSIZE

const units = " KMGT"

// formatSize and formatRate are progressmeter.c's, digit for digit.
func formatSize(bytes int64) string {
	i := 0
	for ; bytes >= 10000 && units[i] != 'T'; i++ {
		bytes = (bytes + 512) / 1024
	}
	suffix := " "
	if i > 0 {
		suffix = "B"
	}
	return fmt.Sprintf("%4d%c%s", bytes, units[i], suffix)
}

func formatRate(bytes int64) string {
	bytes *= 100
	i := 0
	for ; bytes >= 100*1000 && units[i] != 'T'; i++ {
		bytes = (bytes + 512) / 1024
	}
	if i == 0 {
		i++
		bytes = (bytes + 512) / 1024
	}
	return fmt.Sprintf("%3d.%1d%cB", (bytes+5)/100, (bytes+5)/10%10, units[i])
}
