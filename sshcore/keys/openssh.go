package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/pem"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"
)

const opensshMagic = "openssh-key-v1\x00"

// opensshFile is the outer structure of an "OPENSSH PRIVATE KEY" block.
type opensshFile struct {
	Cipher  string
	KDF     string
	KDFOpts string
	NKeys   uint32
	PubKey  []byte
	Private []byte
	Rest    []byte `ssh:"rest"`
}

// maxKDFRounds bounds the bcrypt cost a file may ask for, so a hostile
// file cannot keep us busy for hours (OpenSSH's default is 16).
var maxKDFRounds uint32 = 1 << 12

type opensshCipher struct {
	keyLen, ivLen int
	cbc, gcm      bool
}

var opensshCiphers = map[string]opensshCipher{
	"aes128-ctr":             {16, 16, false, false},
	"aes192-ctr":             {24, 16, false, false},
	"aes256-ctr":             {32, 16, false, false},
	"aes128-cbc":             {16, 16, true, false},
	"aes192-cbc":             {24, 16, true, false},
	"aes256-cbc":             {32, 16, true, false},
	"aes128-gcm@openssh.com": {16, 12, false, true},
	"aes256-gcm@openssh.com": {32, 12, false, true},
}

// parseOpenSSH decodes an OpenSSH private key block, decrypting it with the
// passphrase callback when needed. The decrypted private section is handed
// to x/crypto as an unencrypted key; the comment is read here.
func parseOpenSSH(der []byte, pass PassphraseFunc) (*PrivateKey, error) {
	if !bytes.HasPrefix(der, []byte(opensshMagic)) {
		return nil, ErrInvalidFormat
	}
	var f opensshFile
	if err := ssh.Unmarshal(der[len(opensshMagic):], &f); err != nil {
		return nil, ErrInvalidFormat
	}
	if f.NKeys != 1 {
		return nil, ErrInvalidFormat
	}
	if _, err := ssh.ParsePublicKey(f.PubKey); err != nil {
		if bytes.HasPrefix(f.PubKey, []byte("\x00\x00\x00\x07ssh-dss")) {
			return nil, errDSA
		}
		return nil, ErrInvalidFormat
	}
	priv := f.Private
	encrypted := f.Cipher != "none"
	if encrypted {
		if pass == nil {
			return nil, ErrPassphraseNeeded
		}
		p, err := pass()
		if err != nil {
			return nil, err
		}
		priv, err = decryptOpenSSH(&f, p)
		if err != nil {
			return nil, err
		}
	} else if f.KDF != "none" {
		return nil, ErrInvalidFormat
	}
	comment, err := privateComment(priv)
	if err != nil {
		if encrypted {
			return nil, ErrBadPassphrase
		}
		return nil, err
	}
	plain := ssh.Marshal(opensshFile{Cipher: "none", KDF: "none", NKeys: 1, PubKey: f.PubKey, Private: priv})
	block := &pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: append([]byte(opensshMagic), plain...)}
	raw, err := ssh.ParseRawPrivateKey(pem.EncodeToMemory(block))
	if err != nil {
		if encrypted {
			return nil, ErrBadPassphrase
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalidFormat, err)
	}
	k, err := normalize(raw)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{Key: k, Comment: comment, Format: FormatOpenSSH, Encrypted: encrypted}, nil
}

func decryptOpenSSH(f *opensshFile, passphrase []byte) ([]byte, error) {
	c, ok := opensshCiphers[f.Cipher]
	if !ok {
		return nil, fmt.Errorf("unsupported cipher %q", f.Cipher)
	}
	if f.KDF != "bcrypt" {
		return nil, fmt.Errorf("unsupported KDF %q", f.KDF)
	}
	var opts struct {
		Salt   []byte
		Rounds uint32
	}
	if err := ssh.Unmarshal([]byte(f.KDFOpts), &opts); err != nil {
		return nil, ErrInvalidFormat
	}
	if opts.Rounds == 0 || opts.Rounds > maxKDFRounds {
		return nil, fmt.Errorf("bcrypt KDF rounds %d out of range", opts.Rounds)
	}
	if len(passphrase) == 0 {
		return nil, ErrBadPassphrase
	}
	k, err := bcryptPBKDF(passphrase, opts.Salt, int(opts.Rounds), c.keyLen+c.ivLen)
	if err != nil {
		return nil, ErrBadPassphrase
	}
	block, _ := aes.NewCipher(k[:c.keyLen])
	iv := k[c.keyLen:]
	out := make([]byte, len(f.Private))
	switch {
	case c.gcm:
		// The tag follows the encrypted string.
		if len(f.Rest) < 16 {
			return nil, ErrInvalidFormat
		}
		g, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		out, err = g.Open(nil, iv, append(append([]byte{}, f.Private...), f.Rest[:16]...), nil)
		if err != nil {
			return nil, ErrBadPassphrase
		}
	case c.cbc:
		if len(f.Private)%aes.BlockSize != 0 {
			return nil, ErrInvalidFormat
		}
		cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, f.Private)
	default:
		cipher.NewCTR(block, iv).XORKeyStream(out, f.Private)
	}
	return out, nil
}

// privateComment walks the private section (check ints, key type, the
// type's fields) to the comment that follows them.
func privateComment(b []byte) (string, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], b[4:8]) {
		return "", errors.New("check bytes mismatch")
	}
	b = b[8:]
	typ, b, ok := readString(b)
	if !ok {
		return "", ErrInvalidFormat
	}
	var fields int
	switch string(typ) {
	case ssh.KeyAlgoED25519:
		fields = 2
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		fields = 3
	case ssh.KeyAlgoRSA:
		fields = 6
	case ssh.KeyAlgoDSA:
		fields = 5
	default:
		return "", fmt.Errorf("unsupported key type %q", typ)
	}
	for i := 0; i < fields; i++ {
		if _, b, ok = readString(b); !ok {
			return "", ErrInvalidFormat
		}
	}
	c, _, ok := readString(b)
	if !ok {
		return "", ErrInvalidFormat
	}
	return string(c), nil
}

func readString(b []byte) (s, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}

// opensshPublic returns the public key stored unencrypted in an OpenSSH
// private key block.
func opensshPublic(der []byte) (ssh.PublicKey, error) {
	if !bytes.HasPrefix(der, []byte(opensshMagic)) {
		return nil, ErrInvalidFormat
	}
	var f opensshFile
	if err := ssh.Unmarshal(der[len(opensshMagic):], &f); err != nil {
		return nil, ErrInvalidFormat
	}
	return ssh.ParsePublicKey(f.PubKey)
}
