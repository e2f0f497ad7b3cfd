package ssh

import (
	"strings"

	"sshbox/internal/getopt"
)

// OpenSSH's option letters; those followed by ':' take an argument.
const optString = "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy"

// argKind reports whether ch is an option and whether it takes an argument.
func argKind(ch byte) (known, takesArg bool) {
	i := strings.IndexByte(optString, ch)
	if i < 0 || ch == ':' {
		return false, false
	}
	return true, i+1 < len(optString) && optString[i+1] == ':'
}

// argError is a command line mistake; ssh prints it with the usage and
// exits 255.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

// splitArgs applies OpenSSH's argv conventions before urfave/cli sees the
// command line: getopt's reading (internal/getopt: -vvv, -NT, -p2222),
// options after the destination (ssh host -p 2222 ls; OpenSSH runs getopt
// again after the host), and everything after the command's first word
// belonging to the command (ssh host ls -l). It returns the options one per
// element ("-p", "2222"), the destination and the command words; before
// counts the option elements that preceded the destination.
func splitArgs(args []string) (opts []string, dest string, command []string, err error) {
	opts, _, dest, command, err = splitArgsAt(args)
	return opts, dest, command, err
}

func splitArgsAt(args []string) (opts []string, before int, dest string, command []string, err error) {
	flat := func(list []getopt.Option) {
		for _, o := range list {
			opts = append(opts, "-"+o.Name)
			if _, takes := argKind(o.Name[0]); takes {
				opts = append(opts, o.Arg)
			}
		}
	}
	first, rest, err := getopt.Parse(optString, args)
	if err != nil {
		return nil, 0, "", nil, &argError{err.Error()}
	}
	flat(first)
	before = len(opts)
	if len(rest) > 0 {
		dest = rest[0]
		// A "--" right after the destination is getopt's to end the
		// options, which Parse handles; a later one is the command's.
		second, cmd, err := getopt.Parse(optString, rest[1:])
		if err != nil {
			return nil, 0, "", nil, &argError{err.Error()}
		}
		flat(second)
		if len(cmd) > 0 {
			command = cmd
		}
	}
	return opts, before, dest, command, nil
}

// firstUser finds the user OpenSSH's ssh takes: the first one named in
// argument order, by -l, by -o User=, or by the destination's user@
// (destUser, which sits after the first before option elements).
// fromOption says it was an -o User, which the overrides then carry.
func firstUser(opts []string, before int, destUser string) (user string, fromOption bool) {
	for i := 0; i < len(opts); i++ {
		if i == before && destUser != "" {
			return destUser, false
		}
		f := opts[i]
		if len(f) != 2 {
			continue
		}
		known, takes := argKind(f[1])
		if !known || !takes || i+1 >= len(opts) {
			continue
		}
		i++
		switch f[1] {
		case 'l':
			return opts[i], false
		case 'o':
			if v, ok := userOption(opts[i]); ok {
				return v, true
			}
		}
	}
	return destUser, false
}

// userOption reads an -o value "User=x" or "User x" (any case).
func userOption(o string) (string, bool) { return optionValue(o, "user") }

// optionValue reads an -o value "Keyword=x" or "Keyword x" (the keyword
// in any case) for the keyword named in lowercase.
func optionValue(o, keyword string) (string, bool) {
	o = strings.TrimSpace(o)
	i := strings.IndexAny(o, "= \t")
	if i < 0 || !strings.EqualFold(o[:i], keyword) {
		return "", false
	}
	v := strings.TrimLeft(o[i:], "= \t")
	return v, v != ""
}

// sessionConflict is OpenSSH's refusal of -N and -s together, or of
// either after an -o SessionType that says otherwise; it reads the
// options in command-line order, as OpenSSH's getopt loop meets them (an
// -o SessionType after -N or -s counts for nothing: the first value wins).
func sessionConflict(opts []string) string {
	set := ""
	for i := 0; i < len(opts); i++ {
		switch opts[i] {
		case "-N":
			if set != "" && set != "none" {
				return msgNoNWithS
			}
			set = "none"
		case "-s":
			if set != "" && set != "subsystem" {
				return msgNoSWithN
			}
			set = "subsystem"
		case "-o":
			if i+1 < len(opts) {
				i++
				if v, ok := optionValue(opts[i], "sessiontype"); ok && set == "" {
					set = strings.ToLower(v)
				}
			}
		}
	}
	return ""
}

// ttyRequest is what -t, -T, -N and -W make of RequestTTY, in command-line
// order as OpenSSH assigns it ("" when none is given): -t asks for a
// terminal, a second -t forces one, the others ask for none.
func ttyRequest(opts []string) string {
	tty := ""
	for i := 0; i < len(opts); i++ {
		switch opts[i] {
		case "-t":
			if tty == "yes" {
				tty = "force"
			} else {
				tty = "yes"
			}
		case "-T", "-N", "-W":
			tty = "no"
		}
		if len(opts[i]) == 2 {
			if _, takes := argKind(opts[i][1]); takes {
				i++
			}
		}
	}
	return tty
}

// tunnelFlag is the last -w's value: each -w replaces the devices.
func tunnelFlag(opts []string) (string, bool) {
	w, ok := "", false
	for i := 0; i+1 < len(opts); i++ {
		if opts[i] == "-w" {
			w, ok = opts[i+1], true
		}
		if len(opts[i]) == 2 {
			if _, takes := argKind(opts[i][1]); takes {
				i++
			}
		}
	}
	return w, ok
}

// tunnelLines is what -w sets, as OpenSSH's getopt loop does: the devices
// (over any TunnelDevice, even an earlier -o one), and Tunnel
// point-to-point unless an -o Tunnel came before it (the first value of
// Tunnel wins, and -w sets one only when none is set yet).
func tunnelLines(opts []string) []string {
	w, ok := tunnelFlag(opts)
	if !ok {
		return nil
	}
	lines := []string{"TunnelDevice " + w}
	for i := 0; i < len(opts); i++ {
		switch opts[i] {
		case "-w":
			return append(lines, "Tunnel yes")
		case "-o":
			if i+1 < len(opts) {
				if _, set := optionValue(opts[i+1], "tunnel"); set {
					return lines
				}
			}
		}
		if len(opts[i]) == 2 {
			if _, takes := argKind(opts[i][1]); takes {
				i++
			}
		}
	}
	return lines
}
