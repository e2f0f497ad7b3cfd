package sftpfilter

import (
	"encoding/binary"
	"os/user"
	"strconv"

	"sshbox/internal/wire"
	"sshbox/sshcore/loglevel"
)

// The users-groups-by-id@openssh.com extension (OpenSSH's PROTOCOL, 4.11):
// the user and group names of numeric ids, which OpenSSH's sftp (9.1 on)
// asks for to print "ls -l" itself, names and all, as it does against
// its own sftp-server. The request holds two strings of packed uint32
// ids; the reply two strings of SSH strings, the names in the same order,
// empty for an id with no name. Looked up in /etc/passwd and /etc/group
// (os/user without cgo), as the server's user sees them.
const usersGroupsByID = "users-groups-by-id"

// usersGroups answers request id with the names of the ids in args.
func (f *Filter) usersGroups(id uint32, args []byte) error {
	uids, rest, ok := wire.String(args)
	if !ok {
		return f.status(id, fxBadMessage)
	}
	gids, _, ok := wire.String(rest)
	if !ok || len(uids)%4 != 0 || len(gids)%4 != 0 {
		return f.status(id, fxBadMessage)
	}
	users := names(uids, func(n string) string {
		if u, err := user.LookupId(n); err == nil {
			return u.Username
		}
		return ""
	})
	groups := names(gids, func(n string) string {
		if g, err := user.LookupGroupId(n); err == nil {
			return g.Name
		}
		return ""
	})
	// OpenSSH's line counts every id as a user (its second loop adds to
	// the same count) and no groups; the same words, for the same log.
	f.log.logf(loglevel.Verbose, "users-groups-by-id: %d users, %d groups", (len(uids)+len(gids))/4, 0)
	b := wire.AppendString(nil, string(users))
	b = wire.AppendString(b, string(groups))
	return f.reply(fxpExtendedReply, id, b)
}

// names looks up each packed uint32 id of ids and returns the names as
// consecutive SSH strings.
func names(ids []byte, lookup func(string) string) []byte {
	var out []byte
	for ; len(ids) >= 4; ids = ids[4:] {
		out = wire.AppendString(out, lookup(strconv.FormatUint(uint64(binary.BigEndian.Uint32(ids)), 10)))
	}
	return out
}
