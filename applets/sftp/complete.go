package sftp

import (
	"os"
	"path"
	"sort"
	"strings"

	"golang.org/x/term"

	"sshbox/internal/vis"
)

// Tab completion at the interactive prompt, as OpenSSH's sftp completes
// (its complete() over libedit): in the first word a command name, after
// it a path, local or remote as the command's argument is (OpenSSH's
// command table), the directory's entries that begin with what was typed.
// One match is completed, with a slash after a directory and a space after
// anything else; several are listed under the line and their common
// beginning completed.

// What a command's first and second arguments name, for completion.
const (
	argNone = iota
	argLocal
	argRemote
)

var argKinds = map[string][2]int{
	"cd": {argRemote}, "chdir": {argRemote}, "chgrp": {argRemote}, "chmod": {argRemote},
	"chown": {argRemote}, "copy": {argRemote, argRemote}, "cp": {argRemote, argRemote},
	"df": {argRemote}, "dir": {argRemote}, "get": {argRemote, argLocal}, "lcd": {argLocal},
	"lchdir": {argLocal}, "lls": {argLocal}, "lmkdir": {argLocal}, "ln": {argRemote, argRemote},
	"lpwd": {argLocal}, "ls": {argRemote}, "mget": {argRemote, argLocal}, "mkdir": {argRemote},
	"mput": {argLocal, argRemote}, "put": {argLocal, argRemote}, "pwd": {argRemote},
	"reget": {argRemote, argLocal}, "rename": {argRemote, argRemote}, "reput": {argLocal, argRemote},
	"rm": {argRemote}, "rmdir": {argRemote}, "symlink": {argRemote, argRemote},
}

// completer is the terminal t's AutoCompleteCallback for the session.
func (s *session) completer(t *term.Terminal) func(string, int, rune) (string, int, bool) {
	return func(line string, pos int, key rune) (string, int, bool) {
		if key != '\t' {
			return "", 0, false
		}
		head := line[:pos]
		start := wordStart(head)
		word := head[start:]
		words := strings.Fields(head[:start])
		var names []string
		var dirs map[string]bool
		if len(words) == 0 {
			for _, c := range commands {
				if strings.HasPrefix(c.name, word) {
					names = append(names, c.name)
				}
			}
			for _, name := range []string{"lls", "!"} {
				if strings.HasPrefix(name, word) && name != word {
					names = append(names, name)
				}
			}
		} else {
			kinds, n := argKinds[strings.ToLower(words[0])], len(words)
			if n > 2 || kinds[n-1] == argNone {
				return "", 0, false
			}
			names, dirs = s.pathMatches(pathPrefix(word), kinds[n-1] == argRemote)
		}
		sort.Strings(names)
		names = dedupe(names)
		switch len(names) {
		case 0:
			return "", 0, false
		case 1:
			insert := escapeWord(names[0][len(pathPrefix(word)):])
			if len(words) > 0 && dirs[names[0]] {
				insert += "/"
			} else {
				insert += " "
			}
			return head + insert + line[pos:], pos + len(insert), true
		}
		showMatches(t, names, dirs, line)
		common := names[0]
		for _, n := range names[1:] {
			for !strings.HasPrefix(n, common) {
				common = common[:len(common)-1]
			}
		}
		insert := escapeWord(common[len(pathPrefix(word)):])
		return head + insert + line[pos:], pos + len(insert), true
	}
}

// pathMatches lists the paths that begin with partial, remote (from the
// working directory) or local, as they would be typed, and which of them
// are directories. Names that begin with a dot match only a partial name
// that does.
func (s *session) pathMatches(partial string, remote bool) ([]string, map[string]bool) {
	dir, base := path.Split(partial)
	lookIn := dir
	if lookIn == "" {
		lookIn = "."
	}
	var names []string
	dirs := map[string]bool{}
	add := func(name string, isDir bool) {
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			return
		}
		names = append(names, dir+name)
		dirs[dir+name] = isDir
	}
	if remote {
		list, err := s.cl.ReadDir(s.abs(lookIn))
		if err != nil {
			return nil, nil
		}
		for _, fi := range list {
			isDir := fi.IsDir()
			if !isDir && fi.Mode()&os.ModeSymlink != 0 {
				if st, err := s.cl.Stat(s.abs(dir + fi.Name())); err == nil {
					isDir = st.IsDir()
				}
			}
			add(fi.Name(), isDir)
		}
		return names, dirs
	}
	list, err := os.ReadDir(lookIn)
	if err != nil {
		return nil, nil
	}
	for _, e := range list {
		st, err := os.Stat(path.Join(lookIn, e.Name()))
		add(e.Name(), err == nil && st.IsDir())
	}
	return names, dirs
}

// showMatches lists several matches under the line, in columns as ls
// lays them out, directories with a slash. The terminal's Write puts text where the prompt is and
// draws the prompt and the line again under it: the line as it was, then
// the list.
func showMatches(t *term.Terminal, names []string, dirs map[string]bool, line string) {
	width := 80
	if w, _, err := term.GetSize(int(os.Stdin.Fd())); err == nil {
		width = w
	}
	shown := make([]string, len(names))
	longest := 0
	for i, n := range names {
		if shown[i] = path.Base(n); dirs[n] {
			shown[i] += "/" // as OpenSSH's list marks them
		}
		longest = max(longest, len(shown[i]))
	}
	columns := max(width/(longest+2), 1)
	var b strings.Builder
	b.WriteString(promptText + line + "\n")
	for i, n := range shown {
		b.WriteString(vis.PadBytes(vis.Safe(n), width/columns))
		if (i+1)%columns == 0 || i == len(names)-1 {
			b.WriteString("\n")
		}
	}
	t.Write([]byte(b.String()))
}

// wordStart is where the word the cursor is in begins: after the last
// blank that is not escaped or quoted.
func wordStart(s string) int {
	start := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quote != '\'':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && (c == ' ' || c == '\t'):
			start = i + 1
		}
	}
	return start
}

// pathPrefix is the part of a word completion matched against, as its
// matches begin with it: the word unescaped.
func pathPrefix(word string) string {
	return strings.Trim(unescape(word), `"'`)
}

// escapeWord escapes what splitLine would otherwise split or glob.
func escapeWord(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(" \t\"'\\*?[]#", s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
