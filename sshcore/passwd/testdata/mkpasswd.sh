#!/bin/bash
# Generates testdata/mkpasswd.txt with mkpasswd (package whois): run from
# sshcore/passwd as  bash testdata/mkpasswd.sh > testdata/mkpasswd.txt
# One known-answer vector per line:
# a Go-quoted password, a tab, the crypt(3) string.
gen() { # method password [args]
  local m=$1 pw=$2; shift 2
  h=$(printf '%s' "$pw" | mkpasswd -m "$m" "$@" --stdin) || exit 1
  printf '%s\t%s\n' "$(printf '%s' "$pw" | python3 -c 'import sys,json; print(json.dumps(sys.stdin.buffer.read().decode()))')" "$h"
}
long=$(printf 'long%.0s' $(seq 1 30))  # 120 bytes
for pw in "correct horse" "" "pässwörd ☃" "$long" ":colon\$dollar"; do
  gen yescrypt "$pw"
  gen sha512crypt "$pw"
  gen sha256crypt "$pw"
  gen md5crypt "$pw"
  gen bcrypt "$pw"
done
gen yescrypt "tiny" -R 1
gen yescrypt "three" -R 3
gen yescrypt "two" -R 2
gen sha512crypt "rounds" -R 1000
gen sha512crypt "rounds" -R 12345
gen sha256crypt "rounds" -R 1000
gen sha256crypt "rounds" -R 54321
gen bcrypt "cost4" -R 4
gen bcrypt "cost6" -R 6
gen bcrypt-a "two a ä" -R 5
gen bcrypt "$long" -R 4
