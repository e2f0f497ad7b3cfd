// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

// Disconnect sends SSH_MSG_DISCONNECT with reason and message, then closes
// the connection: how OpenSSH's ssh leaves when it is done (reason 11,
// "disconnected by user"), which the server logs as the client's normal
// end ("Received disconnect from ...: 11: disconnected by user") where a
// bare close reads as a connection lost. A connection already gone just
// closes.
func (c *connection) Disconnect(reason uint32, message string) error {
	err := c.transport.writePacket(Marshal(&disconnectMsg{Reason: reason, Message: message}))
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return err
}
