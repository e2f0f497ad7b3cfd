// Package passwd verifies a password against the system's account database
// (/etc/passwd and /etc/shadow), with no cgo and no PAM: it implements
// crypt(3) verification for yescrypt ($y$), sha512-crypt ($6$), sha256-crypt
// ($5$), md5-crypt ($1$) and bcrypt ($2b$, $2y$, $2a$), refuses locked and
// expired accounts and, unless permitted, empty passwords, and spends the
// same hashing time on an unknown user as on a known one. Check is the entry
// point for a server; its errors tell the log why a login failed, while the
// client should only ever be told that it did. See docs/passwords.md.
package passwd
