package ssh

import (
	"fmt"

	"sshbox/sshcore/algo"
	"sshbox/sshcore/client"
	"sshbox/sshcore/tun"
)

// flagError is the first option value OpenSSH's ssh refuses in its getopt
// loop, in its words and with its line end (fprintf's "\n", fatal()'s
// "\r\n"), checked in the order the options came; "" when there is none.
// ssh then exits 255 before it looks for a destination.
func flagError(opts []string) string {
	jumps := 0
	for i := 0; i+1 < len(opts); i++ {
		flag, v := opts[i], opts[i+1]
		if len(flag) != 2 {
			continue
		}
		if _, takes := argKind(flag[1]); !takes {
			continue
		}
		i++
		if flag[1] == 'J' {
			if jumps++; jumps > 1 {
				return msgOneJump + "\r\n"
			}
		}
		if msg := FlagError(flag[1], v); msg != "" {
			return msg
		}
	}
	return ""
}

// FlagError is what OpenSSH's ssh says of the value v of its option -flag
// before it exits 255, line end included; "" for a value it takes. scp and
// sftp pass -c and -J to ssh, whose words these are then.
func FlagError(flag byte, v string) string {
	switch flag {
	case 'p':
		if n, ok := portNumber(v); !ok || n < 1 {
			return fmt.Sprintf(msgBadPort+"\n", v)
		}
	case 'L', 'R', 'D':
		dynamic := flag == 'D' || flag == 'R' && client.RemoteDynamic(v)
		if _, err := client.ParseForward(v, dynamic); err != nil {
			kind := map[byte]string{'L': "local", 'R': "remote", 'D': "dynamic"}[flag]
			return fmt.Sprintf(msgBadFwdKind+"\n", kind, v)
		}
	case 'W':
		if _, err := client.ParseForward(v, true); err != nil {
			return fmt.Sprintf(msgBadStdioFwd+"\n", v)
		}
	case 'c':
		if algo.Check(algo.Cipher, v) != nil {
			return fmt.Sprintf(msgUnknownCipher+"\n", v)
		}
	case 'm':
		if algo.Check(algo.MAC, v) != nil {
			return fmt.Sprintf(msgUnknownMAC+"\n", v)
		}
	case 'e':
		if !escapeCharOK(v) {
			return fmt.Sprintf(msgBadEscape+"\n", v)
		}
	case 'w':
		if _, _, err := tun.ParseDevice(v); err != nil {
			return fmt.Sprintf(msgBadTunDevice+"\n", v)
		}
	case 'J':
		if _, err := client.ParseJump(v); err != nil {
			return msgBadJump + "\r\n"
		}
	}
	return ""
}

// portNumber is OpenSSH's a2port: a decimal number up to 65535.
func portNumber(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || n > 65535 {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, s != "" && n <= 65535
}

// escapeCharOK is what -e takes: one character, ^ and a character from
// @ to DEL (a control character), or "none".
func escapeCharOK(v string) bool {
	switch {
	case len(v) == 1, v == "none":
		return true
	case len(v) == 2 && v[0] == '^':
		return v[1] >= 64 && v[1] < 128
	}
	return false
}
