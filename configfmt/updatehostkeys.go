package configfmt

// UpdateHostKeys is acted on by the client (sshcore/client/updatehostkeys.go).
// Its value stays in extra, where finish fills OpenSSH's default that
// depends on UserKnownHostsFile and VerifyHostKeyDNS.

var updateHostKeysWords = []string{"yes=true", "no=false", "true", "false", "ask"}

func setUpdateHostKeys(o *ClientOptions, a []string, _ bool) error {
	v, err := oneOf(updateHostKeysWords, a)
	if err != nil {
		return err
	}
	o.extra["updatehostkeys"] = v
	return nil
}

func getUpdateHostKeys(o *ClientOptions) []string {
	if v, ok := o.extra["updatehostkeys"]; ok {
		return []string{v}
	}
	return nil
}

// UpdateHostKeys is the effective UpdateHostKeys: "yes", "no" or "ask",
// with OpenSSH's default (yes only for the default known_hosts file) and
// "ask" already turned off where nobody could answer.
func (o *ClientOptions) UpdateHostKeys() string {
	switch o.extra["updatehostkeys"] {
	case "true", "yes":
		return "yes"
	case "ask":
		return "ask"
	}
	return "no"
}
