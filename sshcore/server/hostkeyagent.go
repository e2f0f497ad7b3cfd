package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/internal/errtext"
	"sshbox/sshcore/keys"
)

// HostKeyAgent: the host private keys live in an ssh-agent; a HostKey line
// names the public key (the file itself, or FILE.pub next to it), and
// each key exchange's signature is asked of the agent. As in OpenSSH a
// private key file that loads is still used directly; the agent serves
// the keys whose private half is not readable.

// HostKeysWithAgent is HostKeys with HostKeyAgent set to agentSpec (a
// socket path, or SSH_AUTH_SOCK for the variable's value; "" or none:
// no agent).
func HostKeysWithAgent(configured []string, agentSpec string, minRSA int, logf func(format string, args ...any)) ([]ssh.Signer, error) {
	if agentSpec == "" || agentSpec == "none" {
		return HostKeys(configured, minRSA, logf)
	}
	sock := agentSpec
	if sock == "SSH_AUTH_SOCK" {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	haveAgent := true
	if c, err := net.Dial("unix", sock); err != nil {
		logf(msgAgentConnect, agentSpec, errtext.Reason(err))
		haveAgent = false
	} else {
		c.Close()
	}
	var out []ssh.Signer
	for _, p := range configured {
		k, err := LoadHostKey(p)
		if err == nil {
			if hostKeySizeOK(p, k.PublicKey(), minRSA, logf) {
				out = append(out, k)
			}
			continue
		}
		pub, perr := hostPublicKey(p)
		if !haveAgent || perr != nil {
			logf(msgHostKeyLoad, p, errtext.Reason(err))
			continue
		}
		if hostKeySizeOK(p, pub, minRSA, logf) {
			out = append(out, &agentHostKey{pub: pub, sock: sock})
		}
	}
	if len(out) == 0 {
		return nil, errors.New(msgNoHostKeys)
	}
	return out, nil
}

// hostPublicKey reads the public key a HostKey line names: the file as a
// public key, or FILE.pub.
func hostPublicKey(path string) (ssh.PublicKey, error) {
	if data, err := os.ReadFile(path); err == nil {
		if k, _, err := keys.ParsePublic(data); err == nil {
			return k, nil
		}
	}
	data, err := os.ReadFile(path + ".pub")
	if err != nil {
		return nil, err
	}
	k, _, err := keys.ParsePublic(data)
	return k, err
}

// agentHostKey signs with a key held by the agent at sock, connecting
// for each signature so that a restarted agent is picked up.
type agentHostKey struct {
	pub  ssh.PublicKey
	sock string
}

func (k *agentHostKey) PublicKey() ssh.PublicKey { return k.pub }

func (k *agentHostKey) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	return k.SignWithAlgorithm(rand, data, "")
}

func (k *agentHostKey) SignWithAlgorithm(_ io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	var flags agent.SignatureFlags
	switch algorithm {
	case ssh.KeyAlgoRSASHA256:
		flags = agent.SignatureFlagRsaSha256
	case ssh.KeyAlgoRSASHA512:
		flags = agent.SignatureFlagRsaSha512
	case "", k.pub.Type():
	default:
		return nil, fmt.Errorf("host key agent: %s cannot sign with %s", k.pub.Type(), algorithm)
	}
	c, err := net.Dial("unix", k.sock)
	if err != nil {
		return nil, fmt.Errorf("host key agent: %v", err)
	}
	defer c.Close()
	sig, err := agent.NewClient(c).SignWithFlags(k.pub, data, flags)
	if err != nil {
		return nil, fmt.Errorf("host key agent: %v", err)
	}
	return sig, nil
}
