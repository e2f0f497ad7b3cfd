package passwd

import "errors"

// The error kinds a caller can tell apart with errors.Is. The server logs
// them; the client is only ever told that authentication failed.
var (
	// ErrNoSuchUser: the name is in neither the passwd nor the shadow file.
	ErrNoSuchUser = errors.New("no such user")
	// ErrLocked: the account's password field starts with '!' or is '*',
	// or it has no usable hash at all (for example "x" with no shadow entry).
	ErrLocked = errors.New("account locked")
	// ErrExpired: the account expiry date (shadow field 8) has passed.
	ErrExpired = errors.New("account expired")
	// ErrPasswordExpired: the password is past its maximum age plus the
	// inactivity period, or the administrator forced a change (last change 0);
	// a password login cannot carry the change dialog, so it is refused.
	ErrPasswordExpired = errors.New("password expired")
	// ErrEmptyPassword: an empty password was offered (or the account has an
	// empty password field) and the caller does not permit empty passwords.
	ErrEmptyPassword = errors.New("empty password not permitted")
	// ErrWrongPassword: the password does not match the stored hash.
	ErrWrongPassword = errors.New("wrong password")
	// ErrUnsupportedScheme: the stored hash uses a scheme this package does
	// not implement (classic DES crypt, sunmd5, NT, gost-yescrypt, scrypt $7$).
	ErrUnsupportedScheme = errors.New("unsupported hash scheme")
	// ErrMalformedHash: the stored hash claims a known scheme but does not
	// follow its format.
	ErrMalformedHash = errors.New("malformed hash")
	// ErrCostTooHigh: the hash's cost parameters exceed the limits below, so
	// verifying it could take minutes or gigabytes.
	ErrCostTooHigh = errors.New("hash cost parameters beyond limits")
)

// ErrNoPassword: the account has no password a login could match ('*', or
// "x" with no shadow entry, or some other non-hash): public-key logins may
// still work, password logins cannot.
var ErrNoPassword = errors.New("no password set")
