package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"sshbox/internal/testenv"
)

// sshdFileArgs are the OpenSSH options sftp and scp share with ssh (-P, not -p,
// names the port for them).
func sshdFileArgs(key string, port int) []string {
	return []string{"-F", "none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
		"-i", key, "-P", fmt.Sprint(port)}
}

func TestSshdOpenSSHSftp(t *testing.T) {
	t.Parallel()
	// A Subsystem program of one's own: a wrapper that leaves a mark, then
	// runs OpenSSH's sftp-server.
	dir := sshdKeysDir(t)
	mark := filepath.Join(dir, "mark")
	wrapper := filepath.Join(dir, "sftp-wrapper")
	os.WriteFile(wrapper, []byte("#!/bin/sh\nid -un > "+mark+"\nexec /usr/lib/openssh/sftp-server \"$@\"\n"), 0o755)
	os.WriteFile(mark, nil, 0o666)
	os.Chmod(mark, 0o666)
	for _, c := range []struct{ name, config string }{
		{"built-in", ""},
		{"internal-sftp", "Subsystem sftp internal-sftp"},
		{"program", "Subsystem sftp " + wrapper + " -l INFO"},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := testenv.NewUser(t, "")
			key := u.AuthorizeKey(t, "")
			d := testenv.StartSshbox(t, c.config)
			tmp := t.TempDir()
			data := make([]byte, 3<<20+17)
			rand.Read(data)
			local := filepath.Join(tmp, "up.bin")
			os.WriteFile(local, data, 0o644)
			batch := filepath.Join(tmp, "batch")
			back := filepath.Join(tmp, "back.bin")
			os.WriteFile(batch, []byte(fmt.Sprintf("put %s up.bin\nget up.bin %s\nls -l up.bin\n", local, back)), 0o644)
			args := append(sshdFileArgs(key, d.Port), "-b", batch, u.Name+"@127.0.0.1")
			out, err := exec.Command(testenv.NeedCmd(t, "sftp"), args...).CombinedOutput()
			if err != nil {
				t.Fatalf("sftp: %v\n%s\nlog:\n%s", err, out, d.Proc.Stderr.String())
			}
			got, err := os.ReadFile(back)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("sftp get returned %d bytes, not the %d put (%v)", len(got), len(data), err)
			}
			sshdOwnedBy(t, filepath.Join(u.Home, "up.bin"), u, data)
			marked, _ := os.ReadFile(mark)
			if ran := strings.TrimSpace(string(marked)) == u.Name; ran != (c.name == "program") {
				t.Fatalf("Subsystem program ran: %v (mark %q)", ran, marked)
			}
		})
	}
}

func TestSshdOpenSSHScp(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	data := make([]byte, 1<<20+3)
	rand.Read(data)
	local := filepath.Join(t.TempDir(), "scp.bin")
	os.WriteFile(local, data, 0o644)
	args := append(sshdFileArgs(key, d.Port), local, u.Name+"@127.0.0.1:copied.bin")
	if out, err := exec.Command(testenv.NeedCmd(t, "scp"), args...).CombinedOutput(); err != nil {
		t.Fatalf("scp: %v\n%s\nlog:\n%s", err, out, d.Proc.Stderr.String())
	}
	sshdOwnedBy(t, filepath.Join(u.Home, "copied.bin"), u, data)
}

func sshdOwnedBy(t *testing.T, path string, u *testenv.User, data []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("%s: %d bytes, want the %d sent (%v)", path, len(got), len(data), err)
	}
	st, _ := os.Stat(path)
	sys := st.Sys().(*syscall.Stat_t)
	if int(sys.Uid) != u.UID || int(sys.Gid) != u.GID {
		t.Fatalf("%s is owned by %d:%d, want the user %d:%d", path, sys.Uid, sys.Gid, u.UID, u.GID)
	}
}

func TestSshdDropbearClient(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	dbKey := key + ".dropbear"
	if out, err := exec.Command(testenv.NeedCmd(t, "dropbearconvert"), "openssh", "dropbear", key, dbKey).CombinedOutput(); err != nil {
		t.Fatalf("dropbearconvert: %v\n%s", err, out)
	}
	cmd := exec.Command(testenv.NeedCmd(t, "dbclient"), "-y", "-y", "-i", dbKey, "-p", fmt.Sprint(d.Port),
		"-l", u.Name, "127.0.0.1", "id -un; exit 44")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if testenv.ExitCode(err) != 44 || strings.TrimSpace(out.String()) != u.Name {
		t.Fatalf("dbclient: %v, stdout %q, stderr %q\nlog:\n%s", err, out.String(), errb.String(), d.Proc.Stderr.String())
	}
}

func TestSshdPuttyPlink(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	ppk := key + ".ppk"
	if out, err := exec.Command(testenv.NeedCmd(t, "puttygen"), key, "-O", "private", "-o", ppk).CombinedOutput(); err != nil {
		t.Fatalf("puttygen: %v\n%s", err, out)
	}
	fp, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-l", "-E", "sha256", "-f", d.HostKey+".pub").Output()
	if err != nil {
		t.Fatal(err)
	}
	hostFP := strings.Fields(string(fp))[1]
	cmd := exec.Command(testenv.NeedCmd(t, "plink"), "-batch", "-hostkey", hostFP, "-i", ppk,
		"-P", fmt.Sprint(d.Port), "-l", u.Name, "127.0.0.1", "id -un; exit 44")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if testenv.ExitCode(err) != 44 || strings.TrimSpace(out.String()) != u.Name {
		t.Fatalf("plink: %v, stdout %q, stderr %q\nlog:\n%s", err, out.String(), errb.String(), d.Proc.Stderr.String())
	}
}

const sshdParamikoScript = `
import sys, paramiko
c = paramiko.SSHClient()
c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
c.connect("127.0.0.1", port=int(sys.argv[1]), username=sys.argv[2], key_filename=sys.argv[3],
          look_for_keys=False, allow_agent=False)
stdin, stdout, stderr = c.exec_command("id -un; echo oops >&2; exit 44")
out = stdout.read().decode()
err = stderr.read().decode()
status = stdout.channel.recv_exit_status()
print("%s|%s|%d" % (out.strip(), err.strip(), status))
# Close the channel's files before the client: paramiko's BufferedFile
# finalisers otherwise run during interpreter shutdown and print tracebacks.
for f in (stdin, stdout, stderr):
    f.close()
c.close()
`

func TestSshdParamiko(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	runParamiko(t, d, sshdParamikoScript, nil, u.Name, key, u.Name+"|oops|44")
}

// runParamiko runs a paramiko script against sshd d with the port, user
// and key as its arguments and stdin as its standard input, and wants
// want as its standard output. stdout alone carries the verdict;
// paramiko's own noise on stderr (finalisers at interpreter exit) is
// shown, not judged.
func runParamiko(t *testing.T, d *testenv.Sshbox, script string, stdin []byte, user, key, want string) {
	t.Helper()
	var errb bytes.Buffer
	cmd := exec.Command("/usr/bin/python3", "-c", script, fmt.Sprint(d.Port), user, key)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != want {
		t.Fatalf("paramiko: %v\nstdout: %s\nstderr: %s\nlog:\n%s", err, out, errb.String(), d.Proc.Stderr.String())
	}
}

func TestSshdInetdProxyCommand(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, _, _ := testenv.SshboxConfig(t, "")
	proxy := fmt.Sprintf("%s sshd -i -f %s", testenv.Bin(t, ""), cfg)
	args := append([]string{"-o", "ProxyCommand=" + proxy}, testenv.SSHArgs(key, 22, u.Name)...)
	args = append(args, "id -un; exit 44")
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if testenv.ExitCode(err) != 44 || strings.TrimSpace(out.String()) != u.Name || errb.Len() != 0 {
		t.Fatalf("ssh through sshd -i: %v, stdout %q, stderr %q", err, out.String(), errb.String())
	}
}

// TestSshdInetdSocket plays inetd: it accepts the TCP connection itself
// and starts `sshd -i` with the socket as standard input and output; sshd
// logs the client's real address.
func TestSshdInetdSocket(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, _, _ := testenv.SshboxConfig(t, "")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sshd := testenv.Bin(t, "sshd")
	logs := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			logs <- err.Error()
			return
		}
		f, _ := c.(*net.TCPConn).File()
		c.Close()
		cmd := exec.Command(sshd, "-i", "-e", "-f", cfg)
		cmd.Stdin, cmd.Stdout = f, f
		out, _ := cmd.StderrPipe()
		cmd.Start()
		f.Close()
		data, _ := io.ReadAll(out)
		cmd.Wait()
		logs <- string(data)
	}()
	port := l.Addr().(*net.TCPAddr).Port
	out, _, code := sshdLogin(t, &testenv.Sshbox{Port: port}, key, u.Name, nil, nil, "id -un; exit 44")
	log := <-logs
	if code != 44 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("ssh to sshd -i on a socket: status %d, %q\nlog:\n%s", code, out, log)
	}
	if !strings.Contains(log, "Accepted publickey for "+u.Name+" from 127.0.0.1 port ") {
		t.Fatalf("log:\n%s", log)
	}
}
