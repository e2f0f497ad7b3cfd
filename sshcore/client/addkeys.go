package client

import (
	"fmt"
	"io"
	"net"
	"sshbox/internal/askpass"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/sshcore/keys"
)

// AddKeysToAgent: as OpenSSH does when it loads a private key from a file
// to sign with, the key goes to the agent (IdentityAgent, else
// SSH_AUTH_SOCK) the first time it signs, its passphrase already asked;
// "ask" asks first, "confirm" makes the agent ask at each use, and a
// lifetime makes the agent drop it. Keys that came from the agent are not
// added again.

// addingSigner is a file identity's signer that adds its key to the agent
// after its first signature.
type addingSigner struct {
	ssh.AlgorithmSigner
	c    *Client
	path string
	key  func() *keys.PrivateKey // nil until the key is decrypted
	once sync.Once
}

func (a *addingSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	sig, err := a.AlgorithmSigner.Sign(rand, data)
	if err == nil {
		a.once.Do(a.add)
	}
	return sig, err
}

func (a *addingSigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	sig, err := a.AlgorithmSigner.SignWithAlgorithm(rand, data, algorithm)
	if err == nil {
		a.once.Do(a.add)
	}
	return sig, err
}

func (a *addingSigner) add() {
	if k := a.key(); k != nil {
		a.c.addKeyToAgent(a.path, k)
	}
}

// addKeyToAgent is OpenSSH's maybe_add_key_to_agent, with its messages.
func (c *Client) addKeyToAgent(path string, k *keys.PrivateKey) {
	o, log := c.Opts, c.Log
	sock := c.identityAgent()
	if sock == "" {
		log.Debug3("no authentication agent, not adding key")
		return
	}
	comment := k.Comment
	if comment == "" {
		comment = path
	}
	if o.AddKeysToAgent == "ask" && !askpass.Permission(fmt.Sprintf(msgAddKeyAsk, path, comment)) {
		log.Debug3("user denied adding this key")
		return
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		log.Debug3("no authentication agent, not adding key")
		return
	}
	defer conn.Close()
	err = agent.NewClient(conn).Add(agent.AddedKey{
		PrivateKey:       k.Key,
		Comment:          comment,
		LifetimeSecs:     uint32(o.AddKeysToAgentLifespan),
		ConfirmBeforeUse: o.AddKeysToAgent == "confirm",
	})
	if err != nil {
		log.Debug1("could not add identity to agent: %s (%v)", path, err)
		return
	}
	log.Debug1("identity added to agent: %s", path)
}
