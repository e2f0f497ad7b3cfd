package server

import (
	"errors"
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
)

func init() { authMethods = append(authMethods, setupBanner) }

// maxBanner is OpenSSH's bound on a Banner file (auth2.c): a larger one,
// or an empty one, is not sent at all.
const maxBanner = 1 << 20

// setupBanner sends the Banner file before authentication (x/crypto calls
// BannerCallback once, when the client first names its user, so Match User
// blocks choose the banner too).
func setupBanner(c *conn, cfg *ssh.ServerConfig, opts *configfmt.ServerOptions) {
	cfg.BannerCallback = func(meta ssh.ConnMetadata) string {
		o := c.admit(userName(meta.User())).opts
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

// readBanner reads a banner file whole; one larger than maxBanner is an
// error. The file is read at each connection, so a change shows at the
// next login.
func readBanner(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBanner+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxBanner {
		return "", errBannerTooLarge
	}
	return string(b), nil
}

var errBannerTooLarge = errors.New("larger than 1 MiB, not sent")
