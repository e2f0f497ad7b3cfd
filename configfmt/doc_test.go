package configfmt

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// docs/configuration.md carries the keyword tables generated from the code's
// tables; this test fails when they drift apart. UPDATE_DOCS=1 rewrites
// them.

const (
	docBegin = "<!-- keyword tables: generated from configfmt by TestKeywordTablesInDocs; UPDATE_DOCS=1 go test ./configfmt -run TestKeywordTablesInDocs -->"
	docEnd   = "<!-- end of keyword tables -->"
)

func keywordTables() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### ssh_config (client)\n\n| Keyword | Status | Other spellings |\n|---|---|---|\n")
	alias := func(aliases []keywordAlias, name string) string {
		var out []string
		for _, a := range aliases {
			if a.name == strings.ToLower(name) {
				out = append(out, a.alias)
			}
		}
		sort.Strings(out)
		return strings.Join(out, ", ")
	}
	byName := func(names []string) []string { sort.Strings(names); return names }
	var cn []string
	cs := map[string]status{}
	for _, k := range clientTable {
		cn = append(cn, k.name)
		cs[k.name] = k.status
	}
	for _, n := range byName(cn) {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", n, cs[n], alias(clientAliases, n))
	}
	fmt.Fprintf(&b, "\n### sshd_config (server)\n\n"+serverClassIntro+"\n\n| Keyword | Class | In Match | Other spellings |\n|---|---|---|---|\n")
	var sn []string
	ss := map[string]*serverKW{}
	for i, k := range serverTable {
		sn = append(sn, k.name)
		ss[k.name] = &serverTable[i]
	}
	for _, n := range byName(sn) {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", n, classText(n), yesno(ss[n].match), alias(serverAliases, n))
	}
	fmt.Fprintf(&b, "\n### ssh2 dialect (SSH2_CONFIG, SSHD2_CONFIG)\n\n| Keyword | Side | Maps onto |\n|---|---|---|\n")
	rows := append([]ssh2KW(nil), ssh2Table...)
	sort.SliceStable(rows, func(i, j int) bool { return strings.ToLower(rows[i].name) < strings.ToLower(rows[j].name) })
	for _, r := range rows {
		note := r.note
		if r.warned && note == "" {
			note = "accepted with a warning (not acted on)"
		}
		if r.warned && containsStr(ssh2Refused, strings.ToLower(r.name)) {
			note = "refused in SSHD2_CONFIG (a restriction sshbox does not enforce)"
			if r.side == "both" {
				note += "; accepted with a warning in SSH2_CONFIG"
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.name, r.side, note)
	}
	fmt.Fprintf(&b, "| `subsystem-NAME` | server | Subsystem NAME |\n")
	fmt.Fprintf(&b, "| any OpenSSH keyword | both | as in the OpenSSH dialect, the last value winning |\n")
	return b.String()
}

func TestKeywordTablesInDocs(t *testing.T) {
	path := filepath.Join("..", "docs", "configuration.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	i, j := strings.Index(text, docBegin), strings.Index(text, docEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: keyword table markers missing", path)
	}
	want := text[:i] + docBegin + "\n\n" + keywordTables() + "\n" + text[j:]
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != text {
		t.Errorf("%s: keyword tables out of date; run UPDATE_DOCS=1 go test ./configfmt -run TestKeywordTablesInDocs", path)
	}
	for _, k := range clientTable {
		if !strings.Contains(text, "| `"+k.name+"` |") {
			t.Errorf("%s lacks client keyword %s", path, k.name)
		}
	}
	for _, k := range serverTable {
		if !strings.Contains(text, "| `"+k.name+"` |") {
			t.Errorf("%s lacks server keyword %s", path, k.name)
		}
	}
}

// Every row of the keyword tables can do its job: acted-on keywords have a
// setter, the others keep a value to print.
func TestKeywordTablesConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range clientTable {
		l := strings.ToLower(k.name)
		if seen[l] {
			t.Errorf("client keyword %s twice", k.name)
		}
		seen[l] = true
		if k.status == acted && !k.settable() || k.status == warned && k.x == nil {
			t.Errorf("client keyword %s: status %v without setter", k.name, k.status)
		}
		if canonicalName(clientAliases, l) != l {
			t.Errorf("client keyword %s is also an alias", k.name)
		}
	}
	seen = map[string]bool{}
	for _, k := range serverTable {
		l := strings.ToLower(k.name)
		if seen[l] {
			t.Errorf("server keyword %s twice", k.name)
		}
		seen[l] = true
		if k.status == acted && !k.settable() || k.status == warned && k.x == nil {
			t.Errorf("server keyword %s: status %v without setter", k.name, k.status)
		}
		if canonicalName(serverAliases, l) != l {
			t.Errorf("server keyword %s is also an alias", k.name)
		}
	}
	for i, aliases := range [][]keywordAlias{clientAliases, serverAliases} {
		seen := map[string]bool{}
		for _, a := range aliases {
			if seen[a.alias] {
				t.Errorf("alias %s listed twice (table %d)", a.alias, i)
			}
			seen[a.alias] = true
		}
	}
	for _, a := range clientAliases {
		if clientIndex()[a.name] == nil {
			t.Errorf("client alias %s -> unknown %s", a.alias, a.name)
		}
	}
	for _, a := range serverAliases {
		if serverIndex()[a.name] == nil {
			t.Errorf("server alias %s -> unknown %s", a.alias, a.name)
		}
	}
	for _, r := range ssh2Table {
		if !r.warned && r.harmless == "" && r.to == nil && r.kw == "" && r.srv == nil && r.cli == nil && !r.subconf {
			t.Errorf("ssh2 keyword %s maps onto nothing", r.name)
		}
	}
}
