package passwd

import "errors"

// The error kinds a caller can tell apart with errors.Is. The server logs
// them; the client is only ever told that authentication failed.
var (
	// ErrNoSuchUser: the name is not in the passwd file.
	ErrNoSuchUser = errors.New("no such user")
	// ErrLocked: the administrator locked the account: its hash starts
	// with '!' (usermod -L, passwd -l) or is "*LK*".
	ErrLocked = errors.New("account locked")
	// ErrNoPassword: the account has no password a login could match ('*',
	// "x" with no shadow entry, or some other non-hash): public-key logins
	// may still work, password logins cannot.
	ErrNoPassword = errors.New("no password set")
	// ErrExpired: the account expiry date (shadow field 8) has been reached.
	ErrExpired = errors.New("account expired")
	// ErrPasswordExpired: the password is older than its maximum age, or
	// the administrator forced a change (last change 0); a password login
	// cannot carry the change dialog, so it is refused.
	ErrPasswordExpired = errors.New("password expired")
	// ErrEmptyPassword: an empty password was offered and the caller does
	// not permit empty passwords.
	ErrEmptyPassword = errors.New("empty password not permitted")
	// ErrWrongPassword: the password does not match the stored hash.
	ErrWrongPassword = errors.New("wrong password")
	// ErrUnsupportedScheme: the stored hash uses a scheme this package does
	// not implement (classic DES crypt, sunmd5, NT, gost-yescrypt, scrypt $7$,
	// bcrypt $2x$, yescrypt with a ROM or non-default pwxform settings).
	ErrUnsupportedScheme = errors.New("unsupported hash scheme")
	// ErrMalformedHash: the stored hash claims a known scheme but does not
	// follow its format.
	ErrMalformedHash = errors.New("malformed hash")
	// ErrCostTooHigh: the hash's cost parameters exceed the limits below, so
	// verifying it could take minutes or gigabytes.
	ErrCostTooHigh = errors.New("hash cost parameters beyond limits")
)
