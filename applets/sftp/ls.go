package sftp

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/term"

	"sshbox/internal/unixmode"
	"sshbox/internal/vis"
	"sshbox/sshcore/transfer"
)

// entry is one name to list, with its attributes.
type entry struct {
	name string // as shown
	info fs.FileInfo
}

func cmdLs(s *session, f map[byte]bool, args []string) error {
	target := ""
	if len(args) > 0 {
		target = args[0]
	}
	var entries []entry
	longest := 0 // strlen of the longest name, as OpenSSH's ls counts it
	// raw is the directory listed as the server sent it, read at the
	// first need (ls -a, ls -l without the server's names); nil when the
	// entries are not one directory's.
	var raw func() map[string]transfer.RawEntry
	// listDir lists directory p's entries, each shown as prefix+name.
	listDir := func(p, prefix string) error {
		var got map[string]transfer.RawEntry
		read := false
		raw = func() map[string]transfer.RawEntry {
			if !read {
				got, _ = s.pool.RawDir(p)
				read = true
			}
			return got
		}
		list, err := s.cl.ReadDir(p)
		if err != nil {
			return fail(msgRemoteOp, "readdir", p, transfer.Reason(err))
		}
		if f['a'] {
			// "." and "..", where the server lists them: pkg/sftp's
			// ReadDir leaves them out.
			for _, dot := range []string{".", ".."} {
				if e, ok := raw()[dot]; ok {
					list = append(list, e.Info)
				}
			}
		}
		for _, fi := range list {
			if !f['a'] && strings.HasPrefix(fi.Name(), ".") {
				continue
			}
			entries = append(entries, entry{prefix + fi.Name(), fi})
			// OpenSSH adds the length of the directory's path, as
			// its glob marked it (with a slash), to the longest name's.
			longest = max(longest, len(prefix)+len(fi.Name()))
		}
		return nil
	}
	if target == "" || !hasGlob(target) {
		p := s.abs(unescape(target))
		st, err := s.cl.Stat(p)
		if err != nil {
			// A dangling link is listed as itself, as OpenSSH's glob
			// falls back to lstat.
			if st, err = s.cl.Lstat(p); err != nil {
				return fail(msgCantLs, s.absPattern(target))
			}
		}
		if st.IsDir() {
			prefix := ""
			if target != "" {
				prefix = strings.TrimSuffix(unescape(target), "/") + "/"
			}
			if err := listDir(p, prefix); err != nil {
				return err
			}
		} else {
			entries = append(entries, entry{unescape(target), st})
			longest = len(p)
		}
	} else {
		matches, err := s.cl.Glob(s.abs(target))
		if err != nil || len(matches) == 0 {
			return fail(msgCantLs, s.absPattern(target))
		}
		shown := func(m string) string {
			if !path.IsAbs(target) {
				return strings.TrimPrefix(m, s.cwd+"/")
			}
			return m
		}
		// A glob that names one directory lists what is in it.
		if st, err := s.cl.Stat(matches[0]); len(matches) == 1 && err == nil && st.IsDir() {
			if err := listDir(matches[0], shown(matches[0])+"/"); err != nil {
				return err
			}
			matches = nil
		}
		for _, m := range matches {
			st, err := s.cl.Lstat(m)
			if err != nil {
				continue
			}
			// glob(3)'s GLOB_MARK, as OpenSSH's sftp asks for it: a
			// directory, or a link to one, is shown with a slash.
			mark := ""
			if st.Mode()&fs.ModeSymlink != 0 {
				// What a link leads to, as OpenSSH's remote glob
				// stats it; a dangling link as itself.
				if t, err := s.cl.Stat(m); err == nil {
					st = t
				}
			}
			if st.IsDir() {
				mark = "/"
			}
			entries = append(entries, entry{shown(m) + mark, st})
			// A glob's widths are those of the whole paths.
			longest = max(longest, len(m)+len(mark))
		}
	}
	sortEntries(entries, f)
	if f['l'] || f['n'] {
		s.longList(entries, raw, f['n'], f['h'])
		return nil
	}
	printColumns(entries, f['1'], longest)
	return nil
}

// sortEntries orders as OpenSSH's ls: by name, -t by time (newest first),
// -S by size (largest first), -r reversed, -f unsorted.
func sortEntries(es []entry, f map[byte]bool) {
	if f['f'] {
		return
	}
	less := func(a, b entry) bool { return a.name < b.name }
	switch {
	case f['t']:
		less = func(a, b entry) bool { return a.info.ModTime().After(b.info.ModTime()) }
	case f['S']:
		less = func(a, b entry) bool { return a.info.Size() > b.info.Size() }
	}
	sort.SliceStable(es, func(i, j int) bool {
		if f['r'] {
			return less(es[j], es[i])
		}
		return less(es[i], es[j])
	})
}

// printColumns is OpenSSH's ls without -l: row by row, each name padded
// to the column's width in bytes (longest counts bytes, as strlen) and
// then escaped as mprintf does; the width is the terminal's on standard
// input, 80 when there is none. -1 is one name a line.
func printColumns(es []entry, one bool, longest int) {
	columns, colspace := 1, 0
	if !one {
		width := 80
		if w, _, err := term.GetSize(int(os.Stdin.Fd())); err == nil {
			width = w
		}
		columns = max(width/(longest+2), 1)
		colspace = min(width/columns, width)
	}
	c := 1
	for _, e := range es {
		mprintf("%s", vis.PadBytes(e.name, colspace))
		if c >= columns {
			fmt.Println()
			c = 1
		} else {
			c++
		}
	}
	if c != 1 {
		fmt.Println()
	}
}

// longList prints ls -l as OpenSSH's sftp does. Owners and groups are
// named as the server names them: through users-groups-by-id@openssh.com
// where the server offers it (with -n too, as OpenSSH 9.2's sftp), in
// OpenSSH's ls_file format; else a directory's entries are the server's
// own long names (its "ls -l" lines, as OpenSSH prints them), unless -n
// or -h asks for numbers or scaled sizes, which, like a glob's entries,
// are formatted here with numeric ids. Never the client's own names for
// the server's ids.
func (s *session) longList(entries []entry, raw func() map[string]transfer.RawEntry, numeric, human bool) {
	var uids, gids []uint32
	seenU, seenG := map[uint32]bool{}, map[uint32]bool{}
	for _, e := range entries {
		if u := uint32(uidOf(e.info)); !seenU[u] {
			seenU[u] = true
			uids = append(uids, u)
		}
		if g := uint32(gidOf(e.info)); !seenG[g] {
			seenG[g] = true
			gids = append(gids, g)
		}
	}
	users, groups, named := s.pool.UserGroupNames(uids, gids)
	var long map[string]transfer.RawEntry
	if !named && !numeric && !human && raw != nil {
		long = raw()
	}
	for _, e := range entries {
		if l, ok := long[e.info.Name()]; ok {
			mprintf("%s\n", l.Long)
			continue
		}
		mprintf("%s\n", longLine(e, users, groups, human))
	}
}

// longLine is ls -l's line in OpenSSH's ls_file format for a remote file:
// "?" for the link count, which SFTP does not carry, and the owner and
// group by the names given, else by number.
func longLine(e entry, users, groups map[uint32]string, human bool) string {
	st := e.info
	uid, gid := uint32(uidOf(st)), uint32(gidOf(st))
	owner, ok := users[uid]
	if !ok {
		owner = strconv.FormatUint(uint64(uid), 10)
	}
	group, ok := groups[gid]
	if !ok {
		group = strconv.FormatUint(uint64(gid), 10)
	}
	size := strconv.FormatInt(st.Size(), 10)
	if human {
		size = scaled(uint64(st.Size()))
	}
	t := st.ModTime()
	var when string
	if time.Since(t) < 182*24*time.Hour && time.Until(t) < 182*24*time.Hour {
		when = t.Format("Jan _2 15:04")
	} else {
		when = t.Format("Jan _2  2006")
	}
	// strmode's eleventh character, the blank after the mode, then " %3s".
	return fmt.Sprintf("%s  %3s %-8s %-8s %8s %s %s", unixmode.String(st.Mode()), "?", owner, group, size, when, e.name)
}

func uidOf(st fs.FileInfo) int {
	if a, ok := st.Sys().(*sftp.FileStat); ok {
		return int(a.UID)
	}
	return 0
}

func gidOf(st fs.FileInfo) int {
	if a, ok := st.Sys().(*sftp.FileStat); ok {
		return int(a.GID)
	}
	return 0
}

// scaled is OpenBSD's fmt_scaled(3), which OpenSSH's sftp prints sizes
// with: the number in the largest unit that keeps it under 1024, one
// decimal below 100 ("1.5M", "12.5K"), none from 100 ("100K") or in bytes
// ("512B"), tenths rounded half up from the 1024ths they are counted in.
func scaled(n uint64) string {
	const units = "BKMGTPE"
	num, fract := int64(n), int64(0) // fmt_scaled's long long
	unit, factor := 0, int64(1)
	for ; unit < len(units); unit, factor = unit+1, factor*1024 {
		if num/1024 < factor {
			if unit > 0 {
				fract = num % factor / (factor / 1024)
			}
			num /= factor
			break
		}
	}
	if fract = (10*fract + 512) / 1024; fract >= 10 {
		num, fract = num+1, 0
	}
	switch {
	case num == 0:
		return "0B"
	case unit == 0 || num >= 100:
		if fract >= 5 {
			num++
		}
		return fmt.Sprintf("%d%c", num, units[unit])
	}
	return fmt.Sprintf("%d.%d%c", num, fract, units[unit])
}
