// Command sshbox is ssh, sshd, ssh-keygen, known-hosts and sftp-server in one
// static binary. It picks the applet from the name it was started under, or
// from its first argument when started as sshbox.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sshbox/applets/knownhosts"
	"sshbox/applets/scp"
	"sshbox/applets/sftp"
	"sshbox/applets/sftpserver"
	"sshbox/applets/ssh"
	"sshbox/applets/sshd"
	"sshbox/applets/sshkeygen"
	"sshbox/sshcore"
)

// applets is the one table of commands: adding an applet is one line here
// plus its package. Each entry point gets argv with the applet name first and
// returns the exit status.
var applets = map[string]func(args []string) int{
	"ssh":         ssh.Main,
	"sshd":        sshd.Main,
	"ssh-keygen":  sshkeygen.Main,
	"known-hosts": knownhosts.Main,
	"sftp-server": sftpserver.Main,
	"scp":         scp.Main,
	"sftp":        sftp.Main,
}

func main() {
	os.Exit(run(os.Args))
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
	fmt.Fprintf(os.Stderr, "usage: sshbox {%s} [args...] | --install [-s] DIR | --list | --version\n",
		strings.Join(names(), "|"))
}

// install makes one link per applet in dir, as busybox --install does: hard
// links by default, symbolic ones with -s. Existing links of the same name are
// replaced so that an upgrade can re-run it.
func install(args []string) int {
	symbolic := false
	if len(args) > 0 && args[0] == "-s" {
		symbolic, args = true, args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: sshbox --install [-s] DIR")
		return 1
	}
	dir := args[0]
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
