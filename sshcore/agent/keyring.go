// Package agent is the engine of the ssh-agent applet: a keyring that
// honours OpenSSH's key constraints (lifetime, confirm before use) and a
// listener that serves it on a Unix socket only to its own user and root.
package agent

import (
	"bytes"
	"errors"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// ErrRefused is what a client sees for a use the user did not confirm.
var ErrRefused = errors.New("agent refused operation")

// ConfirmFunc asks the user whether the key may be used once. It is called
// without any lock held, so a slow dialogue does not stall other clients.
type ConfirmFunc func(comment string, key ssh.PublicKey) bool

// Keyring wraps x/crypto's keyring, which keeps keys, expires them and
// locks, with what it lacks: a default lifetime (ssh-agent -t) and the
// confirm constraint (ssh-add -c). Unknown constraint extensions are
// refused, as OpenSSH refuses them, rather than dropped: dropping a
// restriction would hand out a key more widely than its owner asked.
type Keyring struct {
	// Lifetime in seconds for keys added without one; 0 keeps them.
	Lifetime uint32
	// Confirm asks before each use of a key added with -c. Nil refuses
	// every such use.
	Confirm ConfirmFunc

	inner agent.ExtendedAgent
	mu    sync.Mutex
	// confirm holds the blobs of keys that need confirmation.
	confirm map[string]bool
}

// NewKeyring returns an empty keyring.
func NewKeyring() *Keyring {
	return &Keyring{inner: agent.NewKeyring().(agent.ExtendedAgent), confirm: map[string]bool{}}
}

// List returns the keys; a locked agent lists none.
func (k *Keyring) List() ([]*agent.Key, error) { return k.inner.List() }

// Add stores a key with its constraints.
func (k *Keyring) Add(key agent.AddedKey) error {
	if len(key.ConstraintExtensions) > 0 {
		return errors.New("agent: unsupported constraint extension " + key.ConstraintExtensions[0].ExtensionName)
	}
	needConfirm := key.ConfirmBeforeUse
	key.ConfirmBeforeUse = false
	if key.LifetimeSecs == 0 {
		key.LifetimeSecs = k.Lifetime
	}
	if err := k.inner.Add(key); err != nil {
		return err
	}
	blob, err := addedBlob(key)
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if needConfirm {
		k.confirm[blob] = true
	} else {
		delete(k.confirm, blob)
	}
	return nil
}

// addedBlob is the public blob the keyring files an added key under: the
// certificate's when one came with it.
func addedBlob(key agent.AddedKey) (string, error) {
	if key.Certificate != nil {
		return string(key.Certificate.Marshal()), nil
	}
	s, err := ssh.NewSignerFromKey(key.PrivateKey)
	if err != nil {
		return "", err
	}
	return string(s.PublicKey().Marshal()), nil
}

// Remove deletes one key.
func (k *Keyring) Remove(key ssh.PublicKey) error {
	if err := k.inner.Remove(key); err != nil {
		return err
	}
	k.mu.Lock()
	delete(k.confirm, string(key.Marshal()))
	k.mu.Unlock()
	return nil
}

// RemoveAll deletes every key.
func (k *Keyring) RemoveAll() error {
	if err := k.inner.RemoveAll(); err != nil {
		return err
	}
	k.mu.Lock()
	k.confirm = map[string]bool{}
	k.mu.Unlock()
	return nil
}

// errEmptyPassword refuses a lock or unlock with an empty password, as
// OpenSSH's agent does: a lock anyone could undo with Enter is no lock.
var errEmptyPassword = errors.New("agent: empty password not supported")

// Lock hides the keys until Unlock with the same passphrase, which must
// not be empty.
func (k *Keyring) Lock(passphrase []byte) error {
	if len(passphrase) == 0 {
		return errEmptyPassword
	}
	return k.inner.Lock(passphrase)
}

// Unlock undoes Lock; an empty passphrase is refused, as in Lock.
func (k *Keyring) Unlock(passphrase []byte) error {
	if len(passphrase) == 0 {
		return errEmptyPassword
	}
	return k.inner.Unlock(passphrase)
}

// Signers is not offered over the socket; it serves in-process callers.
func (k *Keyring) Signers() ([]ssh.Signer, error) { return k.inner.Signers() }

// Sign signs with default flags.
func (k *Keyring) Sign(key ssh.PublicKey, data []byte) (*ssh.Signature, error) {
	return k.SignWithFlags(key, data, 0)
}

// SignWithFlags asks for confirmation first when the key was added with it.
func (k *Keyring) SignWithFlags(key ssh.PublicKey, data []byte, flags agent.SignatureFlags) (*ssh.Signature, error) {
	blob := key.Marshal()
	k.mu.Lock()
	need := k.confirm[string(blob)]
	k.mu.Unlock()
	if need {
		comment := ""
		if keys, err := k.inner.List(); err == nil {
			for _, l := range keys {
				if bytes.Equal(l.Blob, blob) {
					comment = l.Comment
				}
			}
		}
		if k.Confirm == nil || !k.Confirm(comment, key) {
			return nil, ErrRefused
		}
	}
	return k.inner.SignWithFlags(key, data, flags)
}

// Extension answers that no extension is supported; OpenSSH's clients
// (session-bind@openssh.com) carry on without.
func (k *Keyring) Extension(string, []byte) ([]byte, error) {
	return nil, agent.ErrExtensionUnsupported
}
