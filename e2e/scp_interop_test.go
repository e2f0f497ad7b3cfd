package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestScpPeersUseSshboxRemote: OpenSSH's scp -O, and Dropbear's scp (which
// is OpenSSH's old scp over dbclient, so: scp -O -S dbclient), copy to and
// from a host whose only scp in the user's PATH is sshbox's applet.
func TestScpPeersUseSshboxRemote(t *testing.T) {
	t.Parallel()
	bin := testenv.BinDir(t)
	e, _ := openSSHEnv(t, "SetEnv PATH="+bin+":/usr/bin:/bin")
	// The remote scp really is sshbox's.
	if out, _, rc := e.runCmd(nil, "command -v scp"); rc != 0 || strings.TrimSpace(out) != filepath.Join(bin, "scp") {
		t.Fatalf("remote scp is %q (status %d)", out, rc)
	}
	scp := testenv.NeedCmd(t, "scp")
	opensshArgs := func(extra ...string) []string {
		return append([]string{"-O", "-F", "/dev/null", "-i", e.key, "-o", "UserKnownHostsFile=" + e.kh,
			"-o", "BatchMode=yes", "-P", fmt.Sprint(e.port)}, extra...)
	}
	dbclient := testenv.NeedCmd(t, "dbclient")
	// dbclient wants its own key format and known_hosts; a wrapper gives
	// it both and drops the OpenSSH-only -o options scp adds.
	dbkey := filepath.Join(e.home, "id_dropbear")
	if out, err := runCmd("dropbearconvert", "openssh", "dropbear", e.key, dbkey); err != nil {
		t.Fatalf("dropbearconvert: %v\n%s", err, out)
	}
	wrapper := filepath.Join(e.home, "dbssh")
	os.WriteFile(wrapper, []byte(fmt.Sprintf(`#!/bin/sh
args=""
while [ $# -gt 0 ]; do
  case "$1" in
    -x|-oPermitLocalCommand=no|-oClearAllForwardings=yes|-oRemoteCommand=none|-oRequestTTY=no|-oForwardAgent=no|-oControlMaster=no|-oControlPath=none) ;;
    *) args="$args '$1'" ;;
  esac
  shift
done
eval exec %s -y -i %s $args
`, dbclient, dbkey)), 0o755)
	dropbearArgs := []string{"-O", "-S", wrapper, "-P", fmt.Sprint(e.port)}

	for name, args := range map[string][]string{"openssh": opensshArgs(), "dropbear": dropbearArgs} {
		t.Run(name, func(t *testing.T) {
			local := t.TempDir()
			tree := filepath.Join(local, "tree")
			makeTree(t, tree)
			up := "peer-" + name
			r := e.tool(scp, "", append(args, "-r", "-p", tree, e.remote(up))...)
			if r.RC != 0 {
				t.Fatalf("%s scp -O -r -p up: %d\n%s", name, r.RC, r.Err)
			}
			sameTree(t, tree, filepath.Join(e.user.Home, up), true)
			down := filepath.Join(t.TempDir(), "down")
			r = e.tool(scp, "", append(args, "-r", "-p", e.remote(up), down)...)
			if r.RC != 0 {
				t.Fatalf("%s scp -O -r -p down: %d\n%s", name, r.RC, r.Err)
			}
			sameTree(t, tree, down, true)
			r = e.tool(scp, "", append(args, e.remote("nosuch"), local)...)
			if r.RC == 0 || !strings.Contains(r.Err, "nosuch: No such file or directory") {
				t.Errorf("%s: missing remote file: %d %q", name, r.RC, r.Err)
			}
		})
	}
}

// TestScpDropbearServer: sshbox's scp against Dropbear's server, with the
// old protocol (-O; Dropbear has no sftp-server of its own).
func TestScpDropbearServer(t *testing.T) {
	t.Parallel()
	d := testenv.StartDropbear(t)
	e := newEnv(t, d.Port, d.PubKey)
	local := t.TempDir()
	tree := filepath.Join(local, "tree")
	makeTree(t, tree)
	if r := e.scp("-O", "-r", "-p", tree, e.remote("dbup")); r.RC != 0 {
		t.Fatalf("scp -O up: %d\n%s", r.RC, r.Err)
	}
	sameTree(t, tree, filepath.Join(e.user.Home, "dbup"), true)
	down := filepath.Join(t.TempDir(), "down")
	if r := e.scp("-O", "-r", "-p", e.remote("dbup"), down); r.RC != 0 {
		t.Fatalf("scp -O down: %d\n%s", r.RC, r.Err)
	}
	sameTree(t, tree, down, true)
}

// TestScpRemoteToRemote copies between two remote locations through this
// host (-3, with SFTP and with -O) and directly (-R: scp runs on the source
// host, here sshbox's scp, and connects to the target itself).
func TestScpRemoteToRemote(t *testing.T) {
	t.Parallel()
	bin := testenv.BinDir(t)
	e, _ := openSSHEnv(t, "SetEnv PATH="+bin+":/usr/bin:/bin")
	src := e.user.WriteFile(t, "src.bin", randomBytes(300000), 0o644)
	e.user.WriteFile(t, "srcdir/x", randomBytes(5000), 0o644)
	for _, tc := range []struct {
		name  string
		flags []string
	}{
		{"3-sftp", []string{"-3"}},
		{"3-legacy", []string{"-3", "-O"}},
	} {
		if r := e.scp(append(tc.flags, e.remote("src.bin"), e.remote("copy-"+tc.name))...); r.RC != 0 {
			t.Fatalf("%s: %d\n%s", tc.name, r.RC, r.Err)
		}
		sameFile(t, src, filepath.Join(e.user.Home, "copy-"+tc.name))
		if r := e.scp(append(tc.flags, "-r", e.remote("srcdir"), e.remote("dircopy-"+tc.name))...); r.RC != 0 {
			t.Fatalf("%s -r: %d\n%s", tc.name, r.RC, r.Err)
		}
		sameTree(t, filepath.Join(e.user.Home, "srcdir"), filepath.Join(e.user.Home, "dircopy-"+tc.name), false)
	}
	// Direct: the source host's scp needs its own way in to the target.
	key, _ := os.ReadFile(e.key)
	e.user.WriteFile(t, ".ssh/id_ed25519", key, 0o600)
	kh, _ := os.ReadFile(e.kh)
	e.user.WriteFile(t, ".ssh/known_hosts", kh, 0o600)
	target := fmt.Sprintf("scp://%s@127.0.0.1:%d/copy-direct", e.user.Name, e.port)
	if r := e.scp("-R", e.remote("src.bin"), target); r.RC != 0 {
		t.Fatalf("-R: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, src, filepath.Join(e.user.Home, "copy-direct"))
}
