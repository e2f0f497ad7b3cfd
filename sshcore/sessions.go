package sshcore

// ReqNoMoreSessions is OpenSSH's no-more-sessions@openssh.com global request
// (PROTOCOL 2.2): the client will open no further session, so a server
// that sees one anyway ends the connection. ssh sends it, sshd keeps it.
const ReqNoMoreSessions = "no-more-sessions@openssh.com"
