package passwd

import (
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestGroupIDs(t *testing.T) {
	group := strings.Join([]string{
		"root:x:0:",
		"adm:x:4:syslog,alice",
		"cdrom:x:24:alice",
		"sudo:x:27:bob,alice,carol",
		"alices:x:1000:",        // the primary group: not listed again
		"dup:x:1000:alice",      // nor here
		"users:x:100:alicex",    // another member whose name starts with hers
		"xalice:x:101:xalice",   // nor ends with it
		"  # alice:x:102:alice", // a comment after blanks
		"+nis:x:103:alice",      // NIS
		"broken:x:alice",        // two fields before the list
		"toomany:x:1:104:alice",
		":x:105:alice", // no group name
		"big:x:4294967296:alice",
		"neg:x:-1:alice",
		"last:x:106:bob,alice",
		"",
		"\tblank:x:107:alice  ",
	}, "\n")
	got := groupIDs([]byte(group), "alice", 1000)
	want := []uint32{1000, 4, 24, 27, 106, 107}
	if !slices.Equal(got, want) {
		t.Errorf("groupIDs = %v, want %v", got, want)
	}
	if got := groupIDs([]byte(group), "", 7); !slices.Equal(got, []uint32{7}) {
		t.Errorf("empty name: %v", got)
	}

	db := &DB{GroupFile: filepath.Join(t.TempDir(), "group")}
	if got, err := db.GroupIDs("alice", 5); err != nil || !slices.Equal(got, []uint32{5}) {
		t.Errorf("missing group file: %v, %v; want the primary group alone", got, err)
	}
	if err := os.WriteFile(db.GroupFile, []byte(group), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := db.GroupIDs("alice", 1000); err != nil || !slices.Equal(got, want) {
		t.Errorf("GroupIDs = %v, %v; want %v", got, err, want)
	}
}

// TestGroupIDsAsOSUser: on this machine's own files, every account gets
// the groups os/user (without cgo, the reader sshd used before) gives it.
func TestGroupIDsAsOSUser(t *testing.T) {
	users, err := ReadPasswd("/etc/passwd")
	if err != nil || len(users) == 0 {
		t.Fatalf("/etc/passwd: %d accounts, %v", len(users), err)
	}
	db := System()
	for _, u := range users {
		ou, err := user.Lookup(u.Name)
		if err != nil {
			continue
		}
		ids, err := ou.GroupIds()
		if err != nil {
			continue
		}
		var want []uint32
		for _, s := range ids {
			if g, err := strconv.ParseUint(s, 10, 32); err == nil {
				want = append(want, uint32(g))
			}
		}
		got, err := db.GroupIDs(u.Name, uint32(u.GID))
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: GroupIDs = %v, %v; os/user %v", u.Name, got, err, want)
		}
	}
}

// FuzzGroupIDs checks groupIDs against a plain reading of group(5): split
// every line, keep the groups that list the user.
func FuzzGroupIDs(f *testing.F) {
	for _, s := range []string{
		"adm:x:4:syslog,alice\nsudo:x:27:alice\n", "a:x:1:alice,\n", "a:x:1:,alice", "a:x::alice", "::1:alice",
		"a:x:1:alice\r\n", " a:x:2:alice ", "a:b:c:d:alice", "#a:x:1:alice", "a:x:01:alice", "a:x:1000:alice",
	} {
		f.Add([]byte(s), "alice")
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		got := groupIDs(data, name, 1000)
		want := []uint32{1000}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if name == "" || line == "" || strings.ContainsAny(line[:1], "#+-") {
				continue
			}
			i := strings.LastIndexByte(line, ':')
			if i < 0 || strings.Count(line[:i], ":") != 2 {
				continue
			}
			f := strings.Split(line[:i], ":")
			if f[0] == "" || !slices.Contains(strings.Split(line[i+1:], ","), name) {
				continue
			}
			if g, err := strconv.ParseUint(f[2], 10, 32); err == nil && g != 1000 {
				want = append(want, uint32(g))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("groupIDs(%q, %q) = %v, want %v", data, name, got, want)
		}
	})
}
