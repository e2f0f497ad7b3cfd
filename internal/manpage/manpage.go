// Package manpage turns the docs/ pages into man pages, so that `man ssh`
// and the web-readable docs say the same thing from one source. The
// markdown is rendered to roff by go-md2man at build time (`go generate`,
// which runs mkman) into the roff directory; the binary embeds only that
// output (package roff) and writes it at `sshbox --install --man MANDIR`,
// because an embedded image has no build tools to make pages with. Only
// the generator and the tests import this package, so the markdown
// renderer stays out of the binary.
package manpage

//go:generate go run ./mkman

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cpuguy83/go-md2man/v2/md2man"
)

// Page is one man page made from a docs/ file.
type Page struct {
	Name    string // ssh, sshd_config, ...
	Section int    // 1, 5 or 8
	Source  string // the docs/ file
	Summary string // the NAME line's text after the dash
	// Only, when set, keeps just the source's sections (headings of any
	// level) with these titles, each with its own text, in the source's
	// order; a file that covers several pages (configuration.md) is cut
	// this way.
	Only []string
}

// Pages lists every man page. Adding an applet's page is one line here
// once its docs/ page exists.
var Pages = []Page{
	{Name: "ssh", Section: 1, Source: "ssh.md", Summary: "OpenSSH-compatible remote login client (sshbox)"},
	{Name: "sshd", Section: 8, Source: "sshd.md", Summary: "OpenSSH-compatible SSH server (sshbox)"},
	{Name: "ssh-keygen", Section: 1, Source: "ssh-keygen.md", Summary: "make, convert and inspect SSH keys (sshbox)"},
	{Name: "known-hosts", Section: 1, Source: "known-hosts.md", Summary: "list, add, remove and convert known host keys (sshbox)"},
	{Name: "sftp-server", Section: 8, Source: "sftp-server.md", Summary: "SFTP server subsystem (sshbox)"},
	{Name: "scp", Section: 1, Source: "scp.md", Summary: "secure file copy (sshbox)"},
	{Name: "sftp", Section: 1, Source: "sftp.md", Summary: "secure file transfer program (sshbox)"},
	{Name: "ssh-agent", Section: 1, Source: "ssh-agent.md", Summary: "authentication agent (sshbox)"},
	{Name: "ssh-add", Section: 1, Source: "ssh-add.md", Summary: "add keys to an authentication agent (sshbox)"},
	{Name: "ssh-keyscan", Section: 1, Source: "ssh-keyscan.md", Summary: "gather SSH public host keys (sshbox)"},
	{Name: "dropbear", Section: 8, Source: "dropbear.md", Summary: "Dropbear's server command line over sshbox's sshd",
		Only: []string{"dropbear"}},
	{Name: "dropbearkey", Section: 1, Source: "dropbear.md", Summary: "make Dropbear host and user keys (sshbox)",
		Only: []string{"dropbearkey"}},
	{Name: "dropbearconvert", Section: 1, Source: "dropbear.md", Summary: "convert private keys between OpenSSH's and Dropbear's forms (sshbox)",
		Only: []string{"dropbearconvert"}},
	{Name: "dbclient", Section: 1, Source: "dropbear.md", Summary: "Dropbear's client command line over sshbox's ssh",
		Only: []string{"dbclient"}},
	{Name: "ssh_config", Section: 5, Source: "configuration.md", Summary: "sshbox's ssh client configuration file",
		Only: []string{"The OpenSSH dialect", "Client: Host and Match", "Unknown and unsupported keywords",
			"ssh_config (client)", "Record formats", "Detection"}},
	{Name: "sshd_config", Section: 5, Source: "configuration.md", Summary: "sshbox's sshd configuration file",
		Only: []string{"The OpenSSH dialect", "Server: Match", "Unknown and unsupported keywords",
			"sshd_config (server)", "Record formats", "Detection"}},
}

// FileName is the page's file name, "ssh.1".
func (p Page) FileName() string { return fmt.Sprintf("%s.%d", p.Name, p.Section) }

// Path is where the page goes under a man directory, "man1/ssh.1".
func (p Page) Path() string { return fmt.Sprintf("man%d/%s", p.Section, p.FileName()) }

// Generate renders every page from the markdown in docsDir into
// outDir/manN/, the tree package roff embeds, and removes pages that are no
// longer in Pages.
func Generate(docsDir, outDir string) error {
	want := map[string]bool{}
	for _, p := range Pages {
		src, err := os.ReadFile(filepath.Join(docsDir, p.Source))
		if err != nil {
			return fmt.Errorf("%s: %w", p.FileName(), err)
		}
		path := filepath.Join(outDir, filepath.FromSlash(p.Path()))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		roff, err := Render(p, src)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(docsDir, p.Source), err)
		}
		if err := os.WriteFile(path, roff, 0o644); err != nil {
			return err
		}
		want[path] = true
	}
	old, err := filepath.Glob(filepath.Join(outDir, "man*", "*"))
	if err != nil {
		return err
	}
	for _, path := range old {
		if !want[path] {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	return nil
}

// Render makes the roff text of p from its markdown source: a NAME line,
// the source's introduction as DESCRIPTION, its "##" sections as .SH and
// deeper ones as .SS. With Only, a kept section whose parent is left out
// becomes a .SH of its own. Markdown that go-md2man cannot render (it
// panics on a link without text, such as a footnote reference "^[]") is
// an error.
func Render(p Page, src []byte) (roff []byte, err error) {
	intro, sections := split(string(src))
	var md strings.Builder
	// go-md2man makes "#" the page title, "##" .SH and "###" .SS.
	fmt.Fprintf(&md, "## NAME\n\n%s - %s\n\n", p.Name, p.Summary)
	if intro != "" {
		fmt.Fprintf(&md, "## DESCRIPTION\n\n%s\n\n", intro)
	}
	kept := make([]bool, len(sections))
	for i, s := range sections {
		if p.Only != nil && !contains(p.Only, s.title) {
			continue
		}
		kept[i] = true
		level := min(s.level, 3)
		if s.parent < 0 || !kept[s.parent] {
			level = 2
		}
		fmt.Fprintf(&md, "%s %s\n\n%s\n\n", strings.Repeat("#", level), s.title, s.body)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, ".TH %q %d \"\" \"sshbox\" \"sshbox\"\n", strings.ToUpper(p.Name), p.Section)
	defer func() {
		if r := recover(); r != nil {
			roff, err = nil, fmt.Errorf("markdown the man page renderer cannot read (%v)", r)
		}
	}()
	out.Write(md2man.Render([]byte(md.String())))
	return out.Bytes(), nil
}

type section struct {
	level  int
	title  string
	body   string // the section's own text, up to the next heading
	parent int    // index of the enclosing section, -1 for none
}

// split cuts markdown at its headings (outside code blocks) into the text
// before the first heading below the title, and the sections.
func split(src string) (intro string, sections []section) {
	lines := strings.Split(src, "\n")
	type head struct{ at, level int }
	var heads []head
	fence := false
	for i, l := range lines {
		if strings.HasPrefix(l, "```") {
			fence = !fence
		}
		if fence || !strings.HasPrefix(l, "#") {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "#"))
		if n < len(l) && l[n] == ' ' {
			heads = append(heads, head{i, n})
		}
	}
	text := func(from, to int) string { return strings.TrimSpace(strings.Join(lines[from:to], "\n")) }
	next := func(k int) int {
		if k+1 < len(heads) {
			return heads[k+1].at
		}
		return len(lines)
	}
	if len(heads) == 0 {
		return text(0, len(lines)), nil
	}
	intro = text(0, heads[0].at)
	var stack []int // open sections by level
	for k, h := range heads {
		if h.level == 1 {
			intro = strings.TrimSpace(intro + "\n\n" + text(h.at+1, next(k)))
			continue
		}
		for len(stack) > 0 && sections[stack[len(stack)-1]].level >= h.level {
			stack = stack[:len(stack)-1]
		}
		parent := -1
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		sections = append(sections, section{level: h.level, title: strings.TrimSpace(lines[h.at][h.level:]),
			body: text(h.at+1, next(k)), parent: parent})
		stack = append(stack, len(sections)-1)
	}
	return intro, sections
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
