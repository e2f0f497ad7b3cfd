package configfmt

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
