package client

import (
	"errors"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"sshbox/configfmt"
	"sshbox/sshcore/ssh2auth"
)

// An ssh2 client (SSH Communications', OpenVMS's) keeps the user's list
// of private key files in the identification file: IdKey lines naming
// files in the user's ssh2 directory (~/.ssh2/identification, on OpenVMS
// SYS$LOGIN:[.SSH2]IDENTIFICATION.). When the configuration was an ssh2
// file, its keys are offered after the IdentityFiles; and an IdentityFile
// that turns out to be an identification file (ssh2's IdentityFile names
// one) stands for its keys.

// ssh2Identification is the configured identification file and the
// directory its key files are in; "" when no ssh2 file was read.
func (c *Client) ssh2Identification() (file, dir string) {
	o := c.Opts
	dir, ok := c.ssh2UserDir()
	if !ok {
		return "", ""
	}
	file = o.SSH2IdentificationFile
	if strings.HasPrefix(file, "~/") {
		file = filepath.Join(HomeDir(), file[2:])
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	return file, dir
}

// ssh2UserDir is the user's ssh2 directory (UserConfigDirectory
// expanded); false when no ssh2 file was read.
func (c *Client) ssh2UserDir() (string, bool) {
	if c.Opts.SSH2UserDir == "" {
		return "", false
	}
	name, uid, gid := "", uint32(os.Getuid()), uint32(os.Getgid())
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	dir, err := configfmt.ExpandSSH2UserDir(c.Opts.SSH2UserDir, HomeDir(), name, uid, gid)
	if err != nil {
		c.Log.Error("UserConfigDirectory %v", err)
		return "", false
	}
	return dir, true
}

// identificationKeys reads path as an identification file and returns the
// private key files its IdKey lines name (relative to dir, or, when dir
// is "", to the file's own directory), each in the case it exists in
// (OpenVMS's names have none). ok is false when the file is none: missing,
// or not one (an IdentityFile's key, which ParseIdentification cannot
// read); then only the ssh2 file's own identification file (dir set) has
// its errors shown.
func (c *Client) identificationKeys(path, dir string) (files []string, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		if dir != "" && !errors.Is(err, fs.ErrNotExist) {
			c.Log.Error("%s: %v", path, err)
		}
		return nil, false
	}
	recs, _, err := configfmt.Decode(data)
	if err == nil && strings.Contains(string(data), "PRIVATE KEY") {
		err = errors.New("a private key, not an identification file")
	}
	var ids []ssh2auth.IdKey
	if err == nil {
		ids, err = ssh2auth.ParseIdentification(recs)
	}
	if err != nil {
		if dir != "" {
			c.Log.Error("%s: %v", path, err)
		}
		return nil, false
	}
	if dir == "" {
		dir = filepath.Dir(path)
	}
	for _, id := range ids {
		p := id.File
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		files = append(files, ssh2auth.AnyCase(p))
	}
	c.Log.Debug1("identification file %s: %d keys", path, len(files))
	return files, true
}
