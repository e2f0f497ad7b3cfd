package derkey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"strings"
)

// OpenSSL's legacy PEM encryption: RFC 1421's Proc-Type and DEK-Info
// headers, RFC 1423's CBC with padding, and OpenSSL's EVP_BytesToKey
// (one MD5 round, the IV's first 8 bytes as salt) to make the key. It
// authenticates nothing, which is why x509 deprecates it; sshbox still
// reads keys written that way and writes them for ssh-keygen -m PEM.

// pemCipher is one DEK-Info algorithm.
type pemCipher struct {
	name               string
	keySize, blockSize int
	block              func(key []byte) (cipher.Block, error)
}

var pemCiphers = []pemCipher{
	{"DES-CBC", 8, des.BlockSize, des.NewCipher},
	{"DES-EDE3-CBC", 24, des.BlockSize, des.NewTripleDESCipher},
	{"AES-128-CBC", 16, aes.BlockSize, aes.NewCipher},
	{"AES-192-CBC", 24, aes.BlockSize, aes.NewCipher},
	{"AES-256-CBC", 32, aes.BlockSize, aes.NewCipher},
}

// ErrIncorrectPassword is DecryptPEMBlock's error when the padding shows
// the password wrong; it has x509.IncorrectPasswordError's text.
var ErrIncorrectPassword = errors.New("x509: decryption password incorrect")

// IsEncryptedPEMBlock reports whether b is encrypted as RFC 1421 and
// OpenSSL do it (it has a DEK-Info header), as x509.IsEncryptedPEMBlock.
func IsEncryptedPEMBlock(b *pem.Block) bool {
	_, ok := b.Headers["DEK-Info"]
	return ok
}

// cipherFor returns c's cipher keyed from password as OpenSSL's
// EVP_BytesToKey does with MD5, one round, and the first 8 bytes of iv
// as salt.
func (c *pemCipher) cipherFor(password, iv []byte) (cipher.Block, error) {
	var key, d []byte
	for len(key) < c.keySize {
		h := md5.New()
		h.Write(d)
		h.Write(password)
		h.Write(iv[:8])
		d = h.Sum(nil)
		key = append(key, d...)
	}
	return c.block(key[:c.keySize])
}

// DecryptPEMBlock decrypts a PEM block encrypted as RFC 1421/1423 and
// OpenSSL do it, with DES-CBC, DES-EDE3-CBC or AES-128/192/256-CBC as its
// DEK-Info header says, as x509.DecryptPEMBlock does. Bad padding is
// ErrIncorrectPassword; a wrong password can also go undetected and give
// garbage.
func DecryptPEMBlock(b *pem.Block, password []byte) ([]byte, error) {
	dek, ok := b.Headers["DEK-Info"]
	if !ok {
		return nil, errors.New("x509: no DEK-Info header in block")
	}
	mode, hexIV, ok := strings.Cut(dek, ",")
	if !ok {
		return nil, errors.New("x509: malformed DEK-Info header")
	}
	var c *pemCipher
	for i := range pemCiphers {
		if pemCiphers[i].name == mode {
			c = &pemCiphers[i]
		}
	}
	if c == nil {
		return nil, errors.New("x509: unknown encryption mode")
	}
	iv, err := hex.DecodeString(hexIV)
	if err != nil {
		return nil, err
	}
	n := c.blockSize
	if len(iv) != n {
		return nil, errors.New("x509: incorrect IV size")
	}
	block, err := c.cipherFor(password, iv)
	if err != nil {
		return nil, err
	}
	if len(b.Bytes)%n != 0 {
		return nil, errors.New("x509: encrypted PEM data is not a multiple of the block size")
	}
	if len(b.Bytes) == 0 {
		return nil, errors.New("x509: invalid padding")
	}
	data := make([]byte, len(b.Bytes))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(data, b.Bytes)
	// RFC 1423 pads with 1 to n bytes of the pad's length.
	pad := int(data[len(data)-1])
	if pad == 0 || pad > n {
		return nil, ErrIncorrectPassword
	}
	for _, v := range data[len(data)-pad:] {
		if int(v) != pad {
			return nil, ErrIncorrectPassword
		}
	}
	return data[:len(data)-pad], nil
}

// EncryptPEMBlock encrypts data into a PEM block of the given type with
// AES-128-CBC, RFC 1421's headers and RFC 1423's padding, as
// x509.EncryptPEMBlock does with x509.PEMCipherAES128 (what ssh-keygen -m
// PEM writes). The IV comes from rand.
func EncryptPEMBlock(rand io.Reader, blockType string, data, password []byte) (*pem.Block, error) {
	c := &pemCiphers[2] // AES-128-CBC
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(rand, iv); err != nil {
		return nil, errors.New("x509: cannot generate IV: " + err.Error())
	}
	block, err := c.cipherFor(password, iv)
	if err != nil {
		return nil, err
	}
	pad := aes.BlockSize - len(data)%aes.BlockSize
	out := append(data[:len(data):len(data)], make([]byte, pad)...)
	for i := len(data); i < len(out); i++ {
		out[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, out)
	return &pem.Block{
		Type: blockType,
		Headers: map[string]string{
			"Proc-Type": "4,ENCRYPTED",
			"DEK-Info":  c.name + "," + hex.EncodeToString(iv),
		},
		Bytes: out,
	}, nil
}
