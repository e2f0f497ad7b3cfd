package sftpfilter

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"sshbox/internal/wire"
)

// The copy-data extension (draft-ietf-secsh-filexfer-extensions-00 §7;
// OpenSSH's sftp "copy" command): the server copies a range of one open
// file into another without the data crossing the network. pkg/sftp does
// not implement it, so the filter does, through the server itself: it
// sends the server READ and WRITE requests on the client's two handles
// (so the copy reads and writes exactly the files the handles hold open,
// with the server's own checks) and answers the client's copy-data with
// the outcome. Its own requests need ids the client cannot also be using,
// so with copy-data on every client request is renumbered on the way in
// and given its own id back on the way out.

const (
	fxpOpen   = 3
	fxpClose  = 4
	fxpRead   = 5
	fxpWrite  = 6
	fxpHandle = 102
	fxpData   = 103

	fxOK            = 0
	fxEOF           = 1
	fxFailure       = 4
	fxBadMessage    = 5
	fxConnLost      = 7
	fxOpUnsupported = 8
	copyDataChunk   = 32 * 1024
)

// statusText is what OpenSSH's sftp-server says with each status.
var statusText = map[uint32]string{
	fxOK: "Success", fxEOF: "End of file", 2: "No such file", fxPermissionDenied: "Permission denied",
	fxFailure: "Failure", fxBadMessage: "Bad message", 6: "No connection", fxConnLost: "Connection lost",
	fxOpUnsupported: "Operation unsupported",
}

// route says where the server's reply to a renumbered request goes: back
// to the client under its own id, or to a copy in progress.
type route struct {
	clientID uint32
	copy     chan []byte
}

type clientPacket struct {
	pkt []byte
	err error
}

// copier is the filter's copy-data state.
type copier struct {
	readOnly bool

	start  sync.Once
	client chan clientPacket // packets read from the client
	inject chan []byte       // the filter's own requests to the server
	done   chan struct{}     // closed once the client's stream has ended

	mu      sync.Mutex
	next    uint32
	routes  map[uint32]route
	opens   map[uint32]string      // renumbered OPEN requests: the path opened
	handles map[string]string      // open handles: the path, as the client named it
	files   map[string]os.FileInfo // open handles: the file when it was opened (fsync.go)
	workDir string                 // where relative paths are (Filter.SetWorkDir)
	// Directories (dots.go): renumbered OPENDIRs and their paths, open
	// directory handles whose first READDIR has not been answered, and
	// renumbered READDIRs with their handles.
	dirOpens map[uint32]string
	dirs     map[string]string
	readdirs map[uint32]string
	// -l's log (log.go): the handles it knows and the reads and writes
	// it counts, by the renumbered request.
	log    *Log
	logged map[string]*loggedHandle
	reads  map[uint32]string
	writes map[uint32]pendingWrite
}

// ServeCopyData makes the filter implement and advertise copy-data ("1");
// in read-only mode (sftp-server -R) a copy is refused as a write is. Call
// it before the server starts reading.
func (f *Filter) ServeCopyData(readOnly bool) {
	f.cp = &copier{readOnly: readOnly, client: make(chan clientPacket), inject: make(chan []byte),
		done: make(chan struct{}), routes: map[uint32]route{}, opens: map[uint32]string{}, handles: map[string]string{},
		files: map[string]os.FileInfo{}, dirOpens: map[uint32]string{}, dirs: map[string]string{},
		readdirs: map[uint32]string{}}
}

// nextCopying is nextPacket with copy-data on: client packets arrive
// through a reader goroutine so that the filter's own requests can be
// sent while the client is silent.
func (f *Filter) nextCopying() ([]byte, error) {
	c := f.cp
	c.start.Do(func() {
		go func() {
			for {
				pkt, err := f.readPacket()
				c.client <- clientPacket{pkt, err}
				if err != nil {
					close(c.done)
					return
				}
			}
		}()
	})
	for {
		select {
		case pkt := <-c.inject:
			return pkt, nil
		case cp := <-c.client:
			if cp.err != nil {
				return nil, cp.err
			}
			if pkt, err := f.screen(cp.pkt); pkt != nil || err != nil {
				return pkt, err
			}
		}
	}
}

// renumber gives a client request the filter's id, remembering the
// client's, and notes what opens and closes do to the handle table.
func (c *copier) renumber(pkt []byte) {
	body := pkt[4:]
	if len(body) < 5 || body[0] == fxpInit {
		return
	}
	clientID := binary.BigEndian.Uint32(body[1:5])
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.newID(route{clientID: clientID})
	binary.BigEndian.PutUint32(body[1:5], id)
	c.logHandleRequest(body[0], id, body[5:])
	switch body[0] {
	case fxpOpen:
		if path, _, ok := wire.String(body[5:]); ok {
			c.opens[id] = string(path)
		}
	case fxpClose:
		if h, _, ok := wire.String(body[5:]); ok {
			delete(c.handles, string(h))
			delete(c.files, string(h))
			delete(c.dirs, string(h))
		}
	case fxpOpendir:
		if path, _, ok := wire.String(body[5:]); ok {
			c.dirOpens[id] = string(path)
		}
	case fxpReaddir:
		if h, _, ok := wire.String(body[5:]); ok {
			if _, first := c.dirs[string(h)]; first {
				c.readdirs[id] = string(h)
			}
		}
	}
}

// newID registers a route under a fresh id; c.mu is held.
func (c *copier) newID(r route) uint32 {
	for {
		c.next++
		if _, busy := c.routes[c.next]; !busy {
			c.routes[c.next] = r
			return c.next
		}
	}
}

// reply routes one server packet: taken when it belongs to a copy (and was
// handed over), else out is the packet to pass on, with the client's id
// (and, for a directory's first READDIR, "." and ".."; dots.go).
func (c *copier) reply(pkt []byte) (out []byte, taken bool) {
	body := pkt[4:]
	if len(body) < 5 {
		return pkt, false
	}
	id := binary.BigEndian.Uint32(body[1:5])
	c.mu.Lock()
	r, ok := c.routes[id]
	if ok {
		delete(c.routes, id)
	}
	if dir, opened := c.dirOpens[id]; opened {
		delete(c.dirOpens, id)
		c.logReply(id, body, dir, true, true)
		if body[0] == fxpHandle {
			if h, _, ok := wire.String(body[5:]); ok {
				c.dirs[string(h)] = dir
			}
		}
	}
	dotsFor := ""
	if h, first := c.readdirs[id]; first {
		delete(c.readdirs, id)
		if dir, ok := c.dirs[h]; ok {
			delete(c.dirs, h)
			dotsFor = c.local(dir)
		}
	}
	path, opened := c.opens[id]
	delete(c.opens, id)
	c.logReply(id, body, path, opened, false)
	if opened && body[0] == fxpHandle {
		if h, _, ok := wire.String(body[5:]); ok {
			c.handles[string(h)] = path
			// The file itself, for fsync to check the path still
			// names it; the server has just opened it.
			if fi, err := os.Stat(c.local(path)); err == nil {
				c.files[string(h)] = fi
			}
		}
	}
	c.mu.Unlock()
	if !ok {
		return pkt, false
	}
	if r.copy != nil {
		r.copy <- append([]byte(nil), pkt...)
		return nil, true
	}
	binary.BigEndian.PutUint32(body[1:5], r.clientID)
	if dotsFor != "" {
		pkt = dotsReply(pkt, dotsFor)
	}
	return pkt, false
}

var errClientGone = errors.New("client gone")

// call sends the server one request (body without its id) and waits for
// the reply's body.
func (c *copier) call(typ byte, payload []byte) ([]byte, error) {
	ch := make(chan []byte, 1)
	c.mu.Lock()
	id := c.newID(route{copy: ch})
	// A copy's reads and writes count in the handles' logged bytes, as
	// OpenSSH's copy-data counts them.
	c.logHandleRequest(typ, id, payload)
	c.mu.Unlock()
	pkt := binary.BigEndian.AppendUint32(nil, uint32(5+len(payload)))
	pkt = append(pkt, typ)
	pkt = binary.BigEndian.AppendUint32(pkt, id)
	pkt = append(pkt, payload...)
	select {
	case c.inject <- pkt:
	case <-c.done:
		return nil, errClientGone
	}
	select {
	case r := <-ch:
		return r[4:], nil
	case <-c.done:
		return nil, errClientGone
	}
}

// copyRequest is a parsed copy-data request.
type copyRequest struct {
	readHandle         string
	readOffset, length uint64
	writeHandle        string
	writeOffset        uint64
}

func parseCopyRequest(b []byte) (copyRequest, bool) {
	var r copyRequest
	h, b, ok := wire.String(b)
	if !ok || len(b) < 16 {
		return r, false
	}
	r.readHandle = string(h)
	r.readOffset, r.length = binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])
	if h, b, ok = wire.String(b[16:]); !ok || len(b) != 8 {
		return r, false
	}
	r.writeHandle, r.writeOffset = string(h), binary.BigEndian.Uint64(b)
	return r, true
}

// copyData serves one copy-data request (its body after the extension
// name) and answers the client under clientID.
func (f *Filter) copyData(clientID uint32, args []byte) {
	code := uint32(fxPermissionDenied)
	if !f.cp.readOnly {
		code = f.cp.copy(args)
	}
	if code != fxConnLost {
		f.status(clientID, code)
	}
}

// copy does the work, as OpenSSH's sftp-server does it: the same handle
// or the same path on both sides is a failure; a length of 0 copies to the
// end of the file; a file that ends before the length is copied gives EOF.
func (c *copier) copy(args []byte) uint32 {
	r, ok := parseCopyRequest(args)
	if !ok {
		return fxBadMessage
	}
	c.mu.Lock()
	rp, rok := c.handles[r.readHandle]
	wp, wok := c.handles[r.writeHandle]
	c.mu.Unlock()
	if r.readHandle == r.writeHandle || !rok || !wok || rp == wp {
		return fxFailure
	}
	toEOF := r.length == 0
	roff, woff, left := r.readOffset, r.writeOffset, r.length
	for toEOF || left > 0 {
		n := uint64(copyDataChunk)
		if !toEOF && left < n {
			n = left
		}
		req := wire.AppendString(nil, r.readHandle)
		req = binary.BigEndian.AppendUint64(req, roff)
		req = binary.BigEndian.AppendUint32(req, uint32(n))
		resp, err := c.call(fxpRead, req)
		if err != nil {
			return fxConnLost
		}
		if resp[0] == fxpStatus {
			code := statusCode(resp)
			if code == fxEOF && toEOF {
				return fxOK
			}
			return code
		}
		data, _, ok := wire.String(resp[5:])
		if resp[0] != fxpData || !ok || len(data) == 0 || uint64(len(data)) > n {
			return fxFailure
		}
		req = wire.AppendString(nil, r.writeHandle)
		req = binary.BigEndian.AppendUint64(req, woff)
		req = wire.AppendString(req, string(data))
		resp, err = c.call(fxpWrite, req)
		if err != nil {
			return fxConnLost
		}
		if code := statusCode(resp); code != fxOK {
			return code
		}
		roff += uint64(len(data))
		woff += uint64(len(data))
		if !toEOF {
			left -= uint64(len(data))
		}
	}
	return fxOK
}

// statusCode is the code of a STATUS reply body; anything else is a
// failure.
func statusCode(body []byte) uint32 {
	if len(body) < 9 || body[0] != fxpStatus {
		return fxFailure
	}
	return binary.BigEndian.Uint32(body[5:9])
}

// local is path as the server's file system has it: relative paths from
// the server's working directory.
func (c *copier) local(path string) string { return localPath(c.workDir, path) }

// localPath is path with a relative one taken from workDir, as pkg/sftp's
// server takes it.
func localPath(workDir, path string) string {
	if !filepath.IsAbs(path) && workDir != "" {
		return filepath.Join(workDir, path)
	}
	return path
}

// handleFile is the path an open handle was opened on and the file it was.
func (c *copier) handleFile(h string) (string, os.FileInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	path, ok := c.handles[h]
	fi, known := c.files[h]
	return c.local(path), fi, ok && known
}
