package ssh

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
)

// TestWindowAdjustBatched: a reader that takes what arrives in small and
// odd pieces, as sftp's client reads each reply's length and then its
// body, credits the window back once 96 KiB have been read (the edit
// scripts/xcrypto makes in channel.go), not at every Read; and the data
// arrives whole, without the writer waiting forever for window.
func TestWindowAdjustBatched(t *testing.T) {
	writer, reader, m := channelPair(t)
	defer writer.Close()
	defer reader.Close()
	defer m.Close()

	const total = 8 << 20
	data := make([]byte, total)
	rand.New(rand.NewSource(1)).Read(data)
	go func() {
		writer.Write(data)
		writer.CloseWrite()
	}()
	conn := m.conn.(*memTransport)
	before := conn.getWriteCount()
	var got bytes.Buffer
	buf := make([]byte, 32<<10)
	for i := 0; ; i++ {
		n := len(buf)
		if i%2 == 0 {
			n = 4
		} else if i%7 == 0 {
			n = 1 + i%5000
		}
		k, err := reader.Read(buf[:n])
		got.Write(buf[:k])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("read %d bytes, not the %d written", got.Len(), total)
	}
	// The reader's side writes nothing but window adjustments here.
	adjusts := conn.getWriteCount() - before
	if max := uint64(total/(3*channelMaxPacket) + 2); adjusts > max {
		t.Errorf("%d window adjustments for %d bytes read, want at most %d", adjusts, total, max)
	}
}

// TestSetChannelWindow: each side's channels offer the window its Config
// sets (Dropbear's -W), smaller than three packets on one side, and a
// megabyte goes each way through them whole: the credit comes at half the
// window, before the peer has used it up.
func TestSetChannelWindow(t *testing.T) {
	c1, c2, err := netPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	defer c2.Close()
	const serverWindow, clientWindow = 24576, 10000
	conf := &ServerConfig{NoClientAuth: true}
	conf.AddHostKey(testSigners["ed25519"])
	conf.SetChannelWindow(serverWindow)
	accepted := make(chan Channel, 1)
	go func() {
		_, chans, reqs, err := NewServerConn(c2, conf)
		if err != nil {
			t.Error(err)
			close(accepted)
			return
		}
		go DiscardRequests(reqs)
		for nc := range chans {
			ch, reqs, err := nc.Accept()
			if err != nil {
				t.Error(err)
				close(accepted)
				return
			}
			go DiscardRequests(reqs)
			accepted <- ch
		}
	}()
	cconf := &ClientConfig{}
	cconf.SetChannelWindow(clientWindow)
	client := dialNoAuth(t, c1, cconf)
	defer client.Close()
	cch, creqs, err := client.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	go DiscardRequests(creqs)
	sch := <-accepted
	if sch == nil {
		t.FailNow()
	}
	peerWindow := func(ch Channel) uint32 {
		w := &ch.(*channel).remoteWin
		w.L.Lock()
		defer w.L.Unlock()
		return w.win
	}
	if got := peerWindow(cch); got != serverWindow {
		t.Errorf("the server offered a window of %d, want %d", got, serverWindow)
	}
	if got := peerWindow(sch); got != clientWindow {
		t.Errorf("the client offered a window of %d, want %d", got, clientWindow)
	}
	data := make([]byte, 1<<20)
	rand.New(rand.NewSource(2)).Read(data)
	for _, dir := range []struct {
		name string
		w, r Channel
	}{{"up", cch, sch}, {"down", sch, cch}} {
		go dir.w.Write(data)
		got := make([]byte, len(data))
		if _, err := io.ReadFull(dir.r, got); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: %v, data differs %v", dir.name, err, !bytes.Equal(got, data))
		}
	}
}
