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
