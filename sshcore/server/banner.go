package server

import (
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
)

func init() { authMethods = append(authMethods, setupBanner) }

// maxBanner bounds what is read of a Banner file: it goes to every client
// before authentication.
const maxBanner = 64 << 10

// setupBanner sends the Banner file before authentication (x/crypto calls
// BannerCallback once, when the client first names its user, so Match User
// blocks choose the banner too).
func setupBanner(c *conn, cfg *ssh.ServerConfig, opts *configfmt.ServerOptions) {
	cfg.BannerCallback = func(meta ssh.ConnMetadata) string {
		o := c.admit(meta.User()).opts
		if o.Banner == "" || strings.EqualFold(o.Banner, "none") {
			return ""
		}
		text, err := readBanner(o.Banner)
		if err != nil {
			c.srv.log().Errorf(msgBannerRead, o.Banner, err)
			return ""
		}
		return text
	}
}

// readBanner reads a banner file, at most maxBanner bytes of it. The file
// is read at each connection, so a change shows at the next login.
func readBanner(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBanner))
	if err != nil {
		return "", err
	}
	return string(b), nil
}
