package client

import (
	"io"
	"math/rand/v2"
	"sync"
	"time"
)

// ObscureKeystrokeTiming, as OpenSSH 9.5's client does it: in a terminal
// session what is typed leaves only on a fixed beat (20 ms by default), and
// while the user types, and for one to three seconds after, every beat
// without a keystroke carries a chaff packet instead, so that an observer of
// the encrypted stream cannot time the keystrokes. OpenSSH's chaff is its
// transport's ping message, which x/crypto cannot send; sshbox's is a global
// request named "ping" without a reply wanted, which every server ignores and
// which, encrypted, is as long as a packet carrying one keystroke (both
// payloads are 10 bytes). A paste or anything else larger than a few
// keystrokes goes at once.

const (
	chaffMin     = 1024 * time.Millisecond // OpenSSH's SSH_KEYSTROKE_CHAFF_MIN_MS
	chaffRange   = 2048 * time.Millisecond // and SSH_KEYSTROKE_CHAFF_RNG_MS
	keystrokeMax = 16                      // a larger read is not typing
)

// keystrokePacer writes what is typed to w on the beat, sending chaff
// between keystrokes.
type keystrokePacer struct {
	w        io.WriteCloser
	chaff    func() error
	interval time.Duration

	// wmu orders the writes to w: whoever takes the queue holds it until
	// the queue is written, so a paste never overtakes keys typed before.
	wmu     sync.Mutex
	mu      sync.Mutex
	pending []byte
	until   time.Time // chaff until then
	running bool
	err     error // the first write or chaff error
	done    chan struct{}
}

func newKeystrokePacer(w io.WriteCloser, interval time.Duration, chaff func() error) *keystrokePacer {
	return &keystrokePacer{w: w, chaff: chaff, interval: interval}
}

// Write queues p for the next beat, or, for more than a few keystrokes,
// sends what is queued and p at once.
func (k *keystrokePacer) Write(p []byte) (int, error) {
	k.mu.Lock()
	if k.err != nil {
		err := k.err
		k.mu.Unlock()
		return 0, err
	}
	if len(k.pending)+len(p) > keystrokeMax {
		k.mu.Unlock()
		k.wmu.Lock()
		defer k.wmu.Unlock()
		k.mu.Lock()
		out := append(k.pending, p...)
		k.pending = nil
		k.mu.Unlock()
		if _, err := k.w.Write(out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	k.pending = append(k.pending, p...)
	k.until = time.Now().Add(chaffMin + rand.N(chaffRange))
	if !k.running {
		k.running = true
		k.done = make(chan struct{})
		go k.beat(k.done)
	}
	k.mu.Unlock()
	return len(p), nil
}

// beat sends, on every tick, the queued keystrokes or a chaff packet, until
// the chaff period after the last keystroke is over.
func (k *keystrokePacer) beat(done chan struct{}) {
	defer close(done)
	t := time.NewTicker(k.interval)
	defer t.Stop()
	for now := range t.C {
		k.wmu.Lock()
		k.mu.Lock()
		out := k.pending
		k.pending = nil
		if out == nil && !now.Before(k.until) {
			k.running = false
			k.mu.Unlock()
			k.wmu.Unlock()
			return
		}
		k.mu.Unlock()
		var err error
		if out != nil {
			_, err = k.w.Write(out)
		} else {
			err = k.chaff()
		}
		k.wmu.Unlock()
		if err != nil {
			k.mu.Lock()
			k.err, k.running = err, false
			k.mu.Unlock()
			return
		}
	}
}

// Close sends what is still queued, stops the beat and closes w.
func (k *keystrokePacer) Close() error {
	k.wmu.Lock()
	k.mu.Lock()
	out := k.pending
	k.pending, k.until = nil, time.Time{}
	done := k.done
	running := k.running
	k.mu.Unlock()
	if len(out) > 0 {
		k.w.Write(out)
	}
	k.wmu.Unlock()
	if running {
		<-done // ends at the next tick: nothing is queued or owed
	}
	return k.w.Close()
}
