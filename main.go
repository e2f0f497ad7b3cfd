// Command sshbox is ssh, sshd, ssh-keygen, known-hosts, sftp-server and the
// Dropbear names (dropbear, dropbearkey, dropbearconvert, dbclient) in one
// static binary. It picks the applet from the name it was started under, or
// from its first argument when started as sshbox.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sshbox/applets/dropbear"
	"sshbox/applets/knownhosts"
	"sshbox/applets/scp"
	"sshbox/applets/sftp"
	"sshbox/applets/sftpserver"
	"sshbox/applets/ssh"
	"sshbox/applets/sshadd"
	"sshbox/applets/sshagent"
	"sshbox/applets/sshd"
	"sshbox/applets/sshkeygen"
	"sshbox/applets/sshkeyscan"
	"sshbox/internal/manpage/roff"
	"sshbox/sshcore"
	"sshbox/sshcore/asuser"
)

// applets is the one table of commands: adding an applet is one line here
// plus its package. Each entry point gets argv with the applet name first and
// returns the exit status.
var applets = map[string]func(args []string) int{
	"ssh":             ssh.Main,
	"sshd":            sshd.Main,
	"ssh-keygen":      sshkeygen.Main,
	"known-hosts":     knownhosts.Main,
	"sftp-server":     sftpserver.Main,
	"ssh-agent":       sshagent.Main,
	"ssh-add":         sshadd.Main,
	"ssh-keyscan":     sshkeyscan.Main,
	"dropbear":        dropbear.Main,
	"dropbearkey":     dropbear.KeyMain,
	"dropbearconvert": dropbear.ConvertMain,
	"dbclient":        dropbear.ClientMain,
	"scp":             scp.Main,
	"sftp":            sftp.Main,
}

// stopProfile ends a CPU profile a pprof build started (profile_pprof.go).
var stopProfile = func() {}

func main() {
	code := run(os.Args)
	stopProfile()
	os.Exit(code)
}

func run(args []string) int {
	if fn, ok := applets[filepath.Base(args[0])]; ok {
		return runApplet(fn, args)
	}
	if len(args) < 2 {
		usage()
		return 1
	}
	switch args[1] {
	case asuser.HelperFlag:
		// sshd re-executing itself to act as a user (sshcore/asuser).
		return asuser.HelperMain(args[2:])
	case "--list":
		for _, name := range names() {
			fmt.Println(name)
		}
		return 0
	case "--version", "-V":
		fmt.Println(sshcore.VersionLine())
		return 0
	case "--install":
		return install(args[2:])
	case "--help", "-h":
		usage()
		return 0
	}
	if fn, ok := applets[args[1]]; ok {
		return runApplet(fn, args[1:])
	}
	fmt.Fprintf(os.Stderr, "sshbox: unknown applet %q\n", args[1])
	usage()
	return 1
}

// runApplet answers a lone -V for every applet alike, on stderr as OpenSSH's
// programs do, and hands everything else to the applet.
func runApplet(fn func([]string) int, args []string) int {
	if len(args) == 2 && args[1] == "-V" {
		fmt.Fprintln(os.Stderr, sshcore.VersionLine())
		return 0
	}
	return fn(args)
}

func names() []string {
	var n []string
	for name := range applets {
		n = append(n, name)
	}
	sort.Strings(n)
	return n
}

func usage() {
	fmt.Fprintf(os.Stderr, "usage: sshbox {%s} [args...] | --install [-s] [--man MANDIR] DIR | --list | --version\n",
		strings.Join(names(), "|"))
}

// install makes one link per applet in dir, as busybox --install does: hard
// links by default, symbolic ones with -s. Existing links of the same name are
// replaced so that an upgrade can re-run it. --man MANDIR also writes the
// man pages (MANDIR/man1/ssh.1 and so on).
func install(args []string) int {
	symbolic, mandir := false, ""
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-s":
			symbolic = true
		case a == "--man" && i+1 < len(args):
			i++
			mandir = args[i]
		case strings.HasPrefix(a, "--man="):
			mandir = strings.TrimPrefix(a, "--man=")
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) != 1 || (len(rest[0]) > 1 && rest[0][0] == '-') {
		fmt.Fprintln(os.Stderr, "usage: sshbox --install [-s] [--man MANDIR] DIR")
		return 1
	}
	if mandir != "" {
		if err := roff.Install(mandir); err != nil {
			fmt.Fprintf(os.Stderr, "sshbox: --install --man: %v\n", err)
			return 1
		}
	}
	dir := rest[0]
	self, err := os.Executable()
	if err == nil {
		self, err = filepath.EvalSymlinks(self)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sshbox: cannot find own executable: %v\n", err)
		return 1
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		fmt.Fprintf(os.Stderr, "sshbox: --install: %s: not a directory\n", dir)
		return 1
	}
	for _, name := range names() {
		link := filepath.Join(dir, name)
		if link == self {
			continue
		}
		os.Remove(link)
		if symbolic {
			err = os.Symlink(self, link)
		} else {
			err = os.Link(self, link)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "sshbox: --install: %v\n", err)
			return 1
		}
	}
	return 0
}
