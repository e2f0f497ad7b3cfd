package passwd

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strconv"
)

// GroupIDs lists the groups a process of user name runs with: the primary
// group first, then every group(5) line whose member list names the user,
// in file order and without the primary group again. Lines it cannot
// parse are passed over, as the C library's initgroups does, and so is a
// missing group file (the primary group alone). It follows os/user's
// reader without cgo, which sshd used before, but it keeps nothing of a
// line it does not need: this runs at every login.
func (db *DB) GroupIDs(name string, primary uint32) ([]uint32, error) {
	data, err := os.ReadFile(db.groupFile())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return []uint32{primary}, err
	}
	return groupIDs(data, name, primary), nil
}

// groupIDs is GroupIDs on the group file's contents.
func groupIDs(data []byte, name string, primary uint32) []uint32 {
	ids := []uint32{primary}
	if name == "" {
		return ids
	}
	scanLines(data, func(_ int, line []byte) bool {
		// glibc allows blanks before an entry, and so a comment or NIS
		// line after them.
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			return false
		}
		// groupname:password:GID:member,member,...
		head, members, ok := cutLast(line, ':')
		if !ok || len(members) == 0 || bytes.Count(head, []byte(":")) != 2 || !hasMember(members, name) {
			return false
		}
		group, rest, _ := bytes.Cut(head, []byte(":"))
		_, gid, _ := bytes.Cut(rest, []byte(":"))
		if len(group) == 0 {
			return false
		}
		id, err := strconv.ParseUint(string(gid), 10, 32)
		if err != nil || uint32(id) == primary {
			return false
		}
		ids = append(ids, uint32(id))
		return false
	})
	return ids
}

// cutLast splits line at its last sep.
func cutLast(line []byte, sep byte) (before, after []byte, found bool) {
	i := bytes.LastIndexByte(line, sep)
	if i < 0 {
		return line, nil, false
	}
	return line[:i], line[i+1:], true
}

// hasMember says whether the comma-separated list names name.
func hasMember(list []byte, name string) bool {
	for len(list) > 0 {
		m := list
		if i := bytes.IndexByte(list, ','); i >= 0 {
			m, list = list[:i], list[i+1:]
		} else {
			list = nil
		}
		if string(m) == name {
			return true
		}
	}
	return false
}
