package client

import "golang.org/x/crypto/ssh"

// logChosen adds, from x/crypto's own record, what the first key exchange
// settled on (kexlog.go prints OpenSSH's lines from the wire).

// logChosen names what the key exchange settled on, one line per choice
// (debug2 for the method, debug3 for the per-direction details).
func logChosen(log *Logger, algs ssh.NegotiatedAlgorithms) {
	log.Debug2("kex: chosen kex %s, host key algorithm %s", algs.KeyExchange, algs.HostKey)
	log.Debug3("kex: client->server cipher %s MAC %s", algs.Write.Cipher, macName(algs.Write))
	log.Debug3("kex: server->client cipher %s MAC %s", algs.Read.Cipher, macName(algs.Read))
}
