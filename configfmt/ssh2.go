package configfmt

type ssh2Config struct{}

func isSSH2(recs []string) bool { return false }

func parseSSH2(path string, recs []string) (*ssh2Config, error) { return &ssh2Config{}, nil }

func (c *ssh2Config) applyServer(e *serverEval, m MatchConn) error { return nil }
