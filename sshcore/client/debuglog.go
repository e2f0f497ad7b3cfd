package client

import (
	"strings"

	"golang.org/x/crypto/ssh"
)

// The -vv and -vvv lines of the key exchange, in OpenSSH's words where
// sshbox knows the same facts. x/crypto does not show the peer's KEXINIT,
// so only our own proposal and the outcome are printed.

// logProposal is OpenSSH's "local client KEXINIT proposal" block (debug2).
func (c *Client) logProposal(cfg *ssh.ClientConfig) {
	log := c.Log
	log.Debug2("local client KEXINIT proposal")
	log.Debug2("KEX algorithms: %s", strings.Join(cfg.KeyExchanges, ","))
	log.Debug2("host key algorithms: %s", strings.Join(cfg.HostKeyAlgorithms, ","))
	log.Debug2("ciphers ctos: %s", strings.Join(cfg.Ciphers, ","))
	log.Debug2("ciphers stoc: %s", strings.Join(cfg.Ciphers, ","))
	log.Debug2("MACs ctos: %s", strings.Join(cfg.MACs, ","))
	log.Debug2("MACs stoc: %s", strings.Join(cfg.MACs, ","))
	log.Debug2("compression ctos: none")
	log.Debug2("compression stoc: none")
}

// logChosen names what the key exchange settled on, one line per choice
// (debug2 for the method, debug3 for the per-direction details).
func logChosen(log *Logger, algs ssh.NegotiatedAlgorithms) {
	log.Debug2("kex: chosen kex %s, host key algorithm %s", algs.KeyExchange, algs.HostKey)
	log.Debug3("kex: client->server cipher %s MAC %s", algs.Write.Cipher, macName(algs.Write))
	log.Debug3("kex: server->client cipher %s MAC %s", algs.Read.Cipher, macName(algs.Read))
}
